import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { createShow, download, errorOf, heartbeat, ipHash, mediaReady, publishEpisode, settle, startAnalytics, viewer, type AnalyticsHarness, type EpisodeSnapshot } from '../testing/harness';

const FIGURES = 'downloads uniqueListeners listeningSeconds';
const SHOW = `query($r: [_Any!]!, $range: AnalyticsRange!, $interval: AnalyticsInterval) { _entities(representations: $r) { ... on Show {
  analytics(range: $range, interval: $interval) { interval series { start ${FIGURES} } totals { ${FIGURES} sessions }
    byClientApp { clientApp ${FIGURES} } topEpisodes(first: 5) { episode { id } ${FIGURES} } }
} } }`;
const EPISODE = `query($r: [_Any!]!, $range: AnalyticsRange!) { _entities(representations: $r) { ... on Episode {
  analytics(range: $range) { series { start ${FIGURES} } totals { ${FIGURES} sessions } byClientApp { clientApp ${FIGURES} } completionRate dropOff { percent share } }
} } }`;

type Figures = { downloads: number; uniqueListeners: number; listeningSeconds: number };
type ShowAnalytics = {
  interval: string;
  series: (Figures & { start: string })[];
  totals: Figures & { sessions: number };
  byClientApp: (Figures & { clientApp: string })[];
  topEpisodes: (Figures & { episode: { id: string } })[];
};
type EpisodeAnalytics = Omit<ShowAnalytics, 'interval' | 'topEpisodes'> & { completionRate: number | null; dropOff: { percent: number; share: number }[] };

// Tuesday 10 March 2026 (UTC) and the next day
const D = '2026-03-10';
const D1 = '2026-03-11';
const at = (day: string, time: string) => `${day}T${time}:00.000Z`;
const RANGE = { from: at(D, '00:00'), to: at('2026-03-12', '00:00') };

const APPLE = 'Podcasts/1650.20 CFNetwork/1404.0.5 Darwin/22.3.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const OVERCAST = 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('analytics: counting rules over a generated stream, and who may see them', () => {
  let h: AnalyticsHarness;
  const owner = viewer();
  let showId: string;
  let e1: EpisodeSnapshot;
  let e2: EpisodeSnapshot;
  const [u1, u2, u3] = [randomUUID(), randomUUID(), randomUUID()];

  const showAnalytics = async (who: Viewer | null, range = RANGE, interval = 'DAY') =>
    h.call<{ _entities: { analytics: ShowAnalytics | null }[] }>(SHOW, { r: [{ __typename: 'Show', id: showId }], range, interval }, who);
  const episodeAnalytics = async (who: Viewer | null, id: string) =>
    h.call<{ _entities: { analytics: EpisodeAnalytics | null }[] }>(EPISODE, { r: [{ __typename: 'Episode', id }], range: RANGE }, who);
  const byName = <T extends { clientApp: string }>(rows: T[]) => [...rows].sort((a, b) => a.clientApp.localeCompare(b.clientApp));

  beforeAll(async () => {
    h = await startAnalytics();
    const show = await createShow(h, owner.id);
    showId = show.showId;
    e1 = await publishEpisode(h, show);
    e2 = await publishEpisode(h, show);
    await mediaReady(h, e1, 1000);

    // downloads of e1 — listener = address hash + user agent
    const l1 = ipHash('a');
    await download(h, e1.episodeId, l1, APPLE, at(D, '08:00')); // counts, opens l1's window
    await download(h, e1.episodeId, l1, APPLE, at(D, '09:00'), { rangeStart: 1000 }); // in the window
    await download(h, e1.episodeId, l1, APPLE, at(D1, '07:59')); // 23 h 59 min later: in the window
    await download(h, e1.episodeId, l1, APPLE, at(D1, '08:00')); // 24 h later: counts again, next window
    await download(h, e1.episodeId, l1, APPLE, at(D1, '10:00')); // in the next window
    const l2 = await download(h, e1.episodeId, ipHash('b'), APPLE, at(D, '10:00')); // another address: counts
    await download(h, e1.episodeId, l1, CHROME, at(D, '11:00')); // same address, another app: another listener, counts
    await download(h, e1.episodeId, ipHash('c'), GOOGLEBOT, at(D, '12:00')); // bot
    await download(h, e1.episodeId, ipHash('c'), GOOGLEBOT, at(D, '13:00')); // bot
    await download(h, e1.episodeId, ipHash('d'), OVERCAST, at(D, '23:30')); // a podcast app isbot would take for a crawler: counts
    await download(h, e1.episodeId, ipHash('b'), APPLE, at(D, '10:00'), { id: l2.id }); // redelivered: nothing
    // e2: one download on D1
    await download(h, e2.episodeId, ipHash('b'), APPLE, at(D1, '12:00'));

    // heartbeats of e1 (1000 s long)
    const web = { clientApp: 'Wavegraph Web' };
    await heartbeat(h, e1.episodeId, u1, at(D, '23:50'), 0, web); // session S1 starts on D
    await heartbeat(h, e1.episodeId, u1, at(D, '23:55'), 300, web); // +300
    await heartbeat(h, e1.episodeId, u1, at(D1, '00:05'), 900, web); // past midnight, still S1 (D): +600
    await heartbeat(h, e1.episodeId, u1, at(D1, '00:10'), 980, web); // +80; 98 %: completed
    await heartbeat(h, e1.episodeId, u1, at(D1, '02:00'), 100, web); // 110 min later: S2 on D1
    await heartbeat(h, e1.episodeId, u1, at(D1, '02:01'), 800, web); // a seek: +60 (the wall clock), not +700
    await heartbeat(h, e1.episodeId, u1, at(D1, '02:02'), 850, web); // +50; S2 reached 85 %
    await heartbeat(h, e1.episodeId, u2, at(D, '10:00'), 0); // S3 (no app reported: Unknown)
    const u2b = await heartbeat(h, e1.episodeId, u2, at(D, '10:20'), 400); // +400
    await heartbeat(h, e1.episodeId, u2, at(D, '10:40'), 500); // +100; S3 reached 50 %
    await heartbeat(h, e1.episodeId, u2, at(D, '11:20'), 510); // 40 min pause: S4
    await heartbeat(h, e1.episodeId, u2, at(D, '11:50'), 600); // exactly 30 min: still S4, +90; 60 %
    await heartbeat(h, e1.episodeId, u2, at(D, '10:20'), 400, { id: u2b.id }); // redelivered: nothing
    await heartbeat(h, e1.episodeId, u3, at(D, '12:00'), 0, { clientApp: 'Wavegraph iOS' }); // S5
    await heartbeat(h, e1.episodeId, u3, at(D, '12:01'), 30, { clientApp: 'Wavegraph iOS', completed: true }); // +30, reported completed
    // e2: u1 listens a minute on D1
    await heartbeat(h, e2.episodeId, u1, at(D1, '09:00'), 0, web);
    await heartbeat(h, e2.episodeId, u1, at(D1, '09:01'), 60, web); // +60
    await settle(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("counts a show's downloads IAB-style and its listening by the day sessions started", async () => {
    const res = await showAnalytics(owner);
    expect(res.errors).toBeUndefined();
    const analytics = res.data!._entities[0].analytics!;
    expect(analytics.series).toEqual([
      // D: l1 08:00, l2, l1 with Chrome, Overcast; u1 (S1, past midnight included), u2, u3
      { start: at(D, '00:00'), downloads: 4, uniqueListeners: 3, listeningSeconds: 980 + 500 + 90 + 30 },
      // D1: l1 24 h later, e2's download; u1's S2 on e1 and a minute of e2
      { start: at(D1, '00:00'), downloads: 2, uniqueListeners: 1, listeningSeconds: 110 + 60 },
    ]);
    expect(analytics.totals).toEqual({ downloads: 6, uniqueListeners: 3, listeningSeconds: 1770, sessions: 6 });
    expect(analytics.topEpisodes).toEqual([
      { episode: { id: e1.episodeId }, downloads: 5, uniqueListeners: 3, listeningSeconds: 1710 },
      { episode: { id: e2.episodeId }, downloads: 1, uniqueListeners: 1, listeningSeconds: 60 },
    ]);
    expect(analytics.byClientApp.slice(0, 1)).toEqual([{ clientApp: 'Apple Podcasts', downloads: 4, uniqueListeners: 0, listeningSeconds: 0 }]);
    expect(byName(analytics.byClientApp)).toEqual([
      { clientApp: 'Apple Podcasts', downloads: 4, uniqueListeners: 0, listeningSeconds: 0 },
      { clientApp: 'Chrome', downloads: 1, uniqueListeners: 0, listeningSeconds: 0 },
      { clientApp: 'Overcast', downloads: 1, uniqueListeners: 0, listeningSeconds: 0 },
      { clientApp: 'Unknown', downloads: 0, uniqueListeners: 1, listeningSeconds: 590 },
      { clientApp: 'Wavegraph iOS', downloads: 0, uniqueListeners: 1, listeningSeconds: 30 },
      { clientApp: 'Wavegraph Web', downloads: 0, uniqueListeners: 1, listeningSeconds: 1150 },
    ]);
  });

  it('merges buckets by week and month exactly (a listener of two days counts once)', async () => {
    const week = (await showAnalytics(owner, RANGE, 'WEEK')).data!._entities[0].analytics!;
    expect([week.interval, week.series]).toEqual(['WEEK', [{ start: at('2026-03-09', '00:00'), downloads: 6, uniqueListeners: 3, listeningSeconds: 1770 }]]);
    const month = (await showAnalytics(owner, { from: at('2026-02-20', '00:00'), to: at(D1, '18:00') }, 'MONTH')).data!._entities[0].analytics!;
    expect(month.series).toEqual([
      { start: at('2026-02-01', '00:00'), downloads: 0, uniqueListeners: 0, listeningSeconds: 0 },
      { start: at('2026-03-01', '00:00'), downloads: 6, uniqueListeners: 3, listeningSeconds: 1770 },
    ]);
    // a range of D alone: u1's S1 counts there whole, his S2 (D1) not at all
    const dayOnly = (await showAnalytics(owner, { from: at(D, '00:00'), to: at(D1, '00:00') })).data!._entities[0].analytics!;
    expect(dayOnly.totals).toEqual({ downloads: 4, uniqueListeners: 3, listeningSeconds: 1600, sessions: 4 });
  });

  it("gives an episode's completion rate and drop-off curve from its sessions' furthest points", async () => {
    const res = await episodeAnalytics(owner, e1.episodeId);
    expect(res.errors).toBeUndefined();
    const analytics = res.data!._entities[0].analytics!;
    expect(analytics.totals).toEqual({ downloads: 5, uniqueListeners: 3, listeningSeconds: 1710, sessions: 5 });
    // S1 98 %, S5 reported completed; S2 85 %, S3 50 %, S4 60 %
    expect(analytics.completionRate).toBeCloseTo(2 / 5);
    const share = (percent: number) => analytics.dropOff.find((p) => p.percent === percent)?.share;
    expect(analytics.dropOff.map((p) => p.percent)).toEqual(Array.from({ length: 21 }, (_, k) => k * 5));
    expect([0, 50, 55, 60, 65, 85, 90, 95, 100].map(share)).toEqual([1, 1, 0.8, 0.8, 0.6, 0.6, 0.4, 0.4, 0.2]);
    // e2's duration is not known: no curve, completion from the completed flag alone
    const other = (await episodeAnalytics(owner, e2.episodeId)).data!._entities[0].analytics!;
    expect([other.completionRate, other.dropOff]).toEqual([0, []]);
  });

  it('shows analytics to the owner and staff only', async () => {
    const stranger = await showAnalytics(viewer());
    expect([stranger.data?._entities[0].analytics, errorOf(stranger).code]).toEqual([null, 'FORBIDDEN']);
    expect(errorOf(await showAnalytics(null)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await episodeAnalytics(viewer(), e1.episodeId)).code).toBe('FORBIDDEN');
    expect(errorOf(await episodeAnalytics(viewer(), randomUUID())).code).toBe('FORBIDDEN');
    for (const role of ['EDITOR', 'ADMIN'] as const) {
      const staff = await showAnalytics(viewer(role));
      expect(staff.errors).toBeUndefined();
      expect(staff.data!._entities[0].analytics!.totals.downloads).toBe(6);
    }
  });

  it('refuses a backwards or too long range', async () => {
    expect(errorOf(await showAnalytics(owner, { from: RANGE.to, to: RANGE.from }))).toEqual({ code: 'BAD_USER_INPUT', field: 'range' });
    expect(errorOf(await showAnalytics(owner, { from: '2025-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'DAY'))).toEqual({ code: 'BAD_USER_INPUT', field: 'range' });
    expect((await showAnalytics(owner, { from: '2025-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'MONTH')).errors).toBeUndefined();
  });

  it('writes a redelivered batch to ClickHouse once', async () => {
    const row = {
      eventId: randomUUID(), at: new Date(at(D, '15:00')), day: D, episodeId: e2.episodeId, rendition: 'aac-128', ipHash: ipHash('e'),
      userAgent: APPLE, clientApp: 'Apple Podcasts', counted: true, bot: false,
    };
    expect(await h.store.insertDownloads([row, row])).toBe(1);
    expect(await h.store.insertDownloads([row])).toBe(0);
    expect((await h.store.totals({ episodeIds: [e2.episodeId], fromDay: D, toDay: D })).downloads).toBe(1);
  });
});

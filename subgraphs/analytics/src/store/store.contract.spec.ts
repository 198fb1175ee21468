import { randomUUID } from 'node:crypto';
import { startAnalytics, type AnalyticsHarness } from '../testing/harness';
import type { AnalyticsStore, DownloadRow, PlayRow } from './analytics.store';
import { PostgresStore } from './postgres.store';

/** The same rows and questions to both adapters of the port: they must answer alike. */
describe.each(['clickhouse', 'postgres'] as const)('the analytics store port on %s', (engine) => {
  let h: AnalyticsHarness;
  let store: AnalyticsStore;
  const [e1, e2] = [randomUUID(), randomUUID()];
  const [u1, u2] = [randomUUID(), randomUUID()];
  const [s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID()];
  const play = (episodeId: string, listenerId: string, sessionId: string, day: string, listenedSeconds: number, positionSeconds: number, completed = false): PlayRow => ({
    eventId: randomUUID(), at: new Date(`${day}T12:00:00Z`), day, episodeId, listenerId, sessionId, clientApp: 'Web', listenedSeconds, positionSeconds, completed,
  });
  const download = (episodeId: string, day: string, counted: boolean, clientApp = 'Overcast'): DownloadRow => ({
    eventId: randomUUID(), at: new Date(`${day}T08:00:00Z`), day, episodeId, rendition: 'aac-128', ipHash: 'f'.repeat(64), userAgent: 'Overcast/3.0', clientApp, counted, bot: false,
  });

  beforeAll(async () => {
    h = await startAnalytics();
    store = engine === 'clickhouse' ? h.store : new PostgresStore(h.running.db.dataSource);
    await store.prepare();
    const plays = [play(e1, u1, s1, '2026-05-04', 100, 100), play(e1, u1, s1, '2026-05-04', 200, 300), play(e1, u2, s2, '2026-05-05', 50, 960), play(e2, u1, s3, '2026-05-12', 30, 30, true)];
    const downloads = [download(e1, '2026-05-04', true), download(e1, '2026-05-04', false), download(e1, '2026-05-05', true, 'Chrome'), download(e2, '2026-05-12', true)];
    expect([await store.insertPlays([...plays, plays[0]]), await store.insertDownloads(downloads)]).toEqual([4, 4]);
    expect([await store.insertPlays(plays), await store.insertDownloads(downloads)]).toEqual([0, 0]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const scope = { episodeIds: [] as string[], fromDay: '2026-05-01', toDay: '2026-05-31' };

  it('answers series, totals and breakdowns', async () => {
    const both = { ...scope, episodeIds: [e1, e2] };
    const byStart = (points: { start: string }[]) => [...points].sort((a, b) => a.start.localeCompare(b.start));
    expect(byStart(await store.series(both, 'DAY'))).toEqual([
      { start: '2026-05-04', downloads: 1, uniqueListeners: 1, listeningSeconds: 300 },
      { start: '2026-05-05', downloads: 1, uniqueListeners: 1, listeningSeconds: 50 },
      { start: '2026-05-12', downloads: 1, uniqueListeners: 1, listeningSeconds: 30 },
    ]);
    expect(byStart(await store.series(both, 'WEEK'))).toEqual([
      { start: '2026-05-04', downloads: 2, uniqueListeners: 2, listeningSeconds: 350 },
      { start: '2026-05-11', downloads: 1, uniqueListeners: 1, listeningSeconds: 30 },
    ]);
    expect(await store.totals(both)).toEqual({ downloads: 3, uniqueListeners: 2, listeningSeconds: 380, sessions: 3 });
    expect((await store.byClientApp(both)).sort((a, b) => a.clientApp.localeCompare(b.clientApp))).toEqual([
      { clientApp: 'Chrome', downloads: 1, uniqueListeners: 0, listeningSeconds: 0 },
      { clientApp: 'Overcast', downloads: 2, uniqueListeners: 0, listeningSeconds: 0 },
      { clientApp: 'Web', downloads: 0, uniqueListeners: 2, listeningSeconds: 380 },
    ]);
    expect((await store.byEpisode(both)).sort((a, b) => b.downloads - a.downloads)).toEqual([
      { episodeId: e1, downloads: 2, uniqueListeners: 2, listeningSeconds: 350 },
      { episodeId: e2, downloads: 1, uniqueListeners: 1, listeningSeconds: 30 },
    ]);
    expect(await store.totals({ ...scope, episodeIds: [] })).toEqual({ downloads: 0, uniqueListeners: 0, listeningSeconds: 0, sessions: 0 });
  });

  it('answers how far sessions got, and who also listened', async () => {
    // s1 reached 300 of 1000 s (bucket 6), s2 960 (bucket 19: completed)
    const reach = await store.sessionReach(e1, scope.fromDay, scope.toDay, 1000);
    expect([reach.sessions, reach.completed, reach.reached?.[6], reach.reached?.[7], reach.reached?.[19], reach.reached?.[20]]).toEqual([2, 1, 2, 1, 1, 0]);
    expect(await store.sessionReach(e2, scope.fromDay, scope.toDay, null)).toEqual({ sessions: 1, completed: 1, reached: null });
    expect(await store.alsoListened(e2, 10)).toEqual([{ episodeId: e1, sharedListeners: 1 }]);
    expect(await store.forListener(u2, 10)).toEqual([{ episodeId: e2, sharedListeners: 1 }]);
  });
});

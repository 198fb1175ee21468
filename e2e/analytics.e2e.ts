import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, sendWithTusClient, sha256Of } from '@wavegraph/testkit';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { creatorWithEpisode, signUp, type CreatorWithEpisode, type SignedUp } from './support/users';

const OVERCAST = 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/*
 * Analytics through the gateway: plays reported with recordPlay (engagement.PlayRecorded) and
 * downloads of the stable enclosure URL (media.EnclosureRequested) reach ClickHouse through
 * analytics' consumer and come back in Show.analytics / Episode.analytics for the owner only.
 */
describe('analytics through the gateway', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: CreatorWithEpisode;
  let listener: SignedUp;
  const today = new Date();
  const range = { from: new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-analytics-e2e-'));
    creator = await creatorWithEpisode(supergraph, 'counted', { slug: 'counted', title: 'Counted', category: 'TECHNOLOGY' }, 'One of many');
    listener = await signUp(supergraph, 'earful');
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts downloads of the enclosure URL and plays of recordPlay in the show's analytics, for its owner only", async () => {
    const source = path.join(dir, 'tone.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=8', '-b:a', '96k', '-y', source]);
    const bytes = readFileSync(source);
    const { episodeId } = creator;
    const { createUpload: ticket } = await eventually(() =>
      creator.client.CreateUpload({ input: { episodeId, filename: 'tone.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg', sha256: sha256Of(bytes) } }),
    );
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    const media = await eventually(async () => {
      const { episode } = await creator.client.EpisodeMedia({ id: episodeId });
      expect(episode?.media?.status).toBe('READY');
      return episode!.media!;
    }, 90_000);

    // a podcast app downloads twice (one IAB download), a crawler once (none)
    const enclosure = media.renditions[0].enclosureUrl!;
    for (const agent of [OVERCAST, OVERCAST, GOOGLEBOT]) {
      const res = await fetch(enclosure, { redirect: 'manual', headers: { 'user-agent': agent } });
      expect(res.status).toBe(302);
    }
    // a listener plays it to the end in the web player
    for (const [positionSeconds, completed] of [[0, false], [4, false], [8, true]] as const) {
      await listener.client.RecordPlay({ episodeId, positionSeconds, completed, clientApp: 'Wavegraph Web' });
    }

    const analytics = await eventually(async () => {
      const { show } = await creator.client.ShowAnalytics({ id: creator.showId, range });
      expect(show?.analytics?.totals).toMatchObject({ downloads: 1, uniqueListeners: 1, sessions: 1 });
      return show!.analytics!;
    }, 30_000);
    expect(analytics.series).toEqual([expect.objectContaining({ downloads: 1, uniqueListeners: 1 })]);
    expect(analytics.topEpisodes).toEqual([expect.objectContaining({ episode: { id: episodeId, title: 'One of many' }, downloads: 1, uniqueListeners: 1 })]);
    expect(analytics.byClientApp.map((app) => [app.clientApp, app.downloads, app.uniqueListeners])).toEqual([
      ['Overcast', 1, 0],
      ['Wavegraph Web', 0, 1],
    ]);

    // the episode: the play reached the end (the duration came with media.MediaReady); the session
    // counted above may have been flushed before its last heartbeat
    const episode = await eventually(async () => {
      const { episode } = await creator.client.EpisodeAnalytics({ id: episodeId, range });
      expect(episode?.analytics?.completionRate).toBe(1);
      return episode!;
    }, 30_000);
    expect(episode.analytics?.dropOff).toHaveLength(21);
    expect(episode.analytics?.dropOff.at(-1)).toEqual({ percent: 100, share: 1 });

    // anyone else: FORBIDDEN, and the rest of the answer stays
    expect(await errorCodes(listener.client.ShowAnalytics({ id: creator.showId, range }))).toEqual(['FORBIDDEN']);
    expect(await errorCodes(supergraph.client().EpisodeAnalytics({ id: episodeId, range }))).toEqual(['UNAUTHENTICATED']);
  }, 150_000);
});

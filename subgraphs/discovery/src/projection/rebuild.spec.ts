import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CommentPosted, EpisodeArchived, EpisodeUpdated, PlayRecorded, ShowUpdated, streamOf } from '@wavegraph/events';
import { createShow, dumpProjections, emit, eventually, hoursAgo, like, play, publishEpisode, segmentsOf, settle, startDiscovery, transcribe, unlike, type DiscoveryHarness } from '../testing/harness';

const SEARCH = 'query($q: String!) { search(query: $q, first: 100) { edges { node { episode { id } show { id } matches { startSeconds text } } } } }';

describe('rebuilding the projections by replay', () => {
  let h: DiscoveryHarness;
  beforeAll(async () => {
    h = await startDiscovery();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const plays = async () => Number((await h.running.db.dataSource.query('SELECT coalesce(sum(plays), 0)::int AS n FROM episode_activity'))[0].n);

  it('yields exactly the tables the live consumer built', async () => {
    const show = await createShow(h, { title: 'Rebuild radio' }, { position: 5_000_000 });
    await emit(h, ShowUpdated, show.showId, { ...show, category: 'SCIENCE' }, { position: 5_000_100 });
    const episodes = [];
    for (let i = 0; i < 6; i += 1) episodes.push(await publishEpisode(h, show.showId, { title: `Replayed tale ${i}` }, { position: 5_000_001 + i }));
    await emit(h, EpisodeArchived, episodes[0].episodeId, { ...episodes[0], status: 'ARCHIVED' }, { position: 5_000_200 });
    // older snapshot arriving after the archive: ignored live, and must be ignored by the replay too
    await emit(h, EpisodeUpdated, episodes[0].episodeId, { ...episodes[0], title: 'Resurrected?' }, { position: 5_000_150 });
    const users = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, episode] of episodes.entries()) {
      for (const user of users.slice(0, (i % 3) + 1)) await play(h, episode.episodeId, user, hoursAgo(i * 7));
    }
    await like(h, episodes[1].episodeId, users[0], hoursAgo(30));
    await like(h, episodes[2].episodeId, users[1], hoursAgo(3));
    await unlike(h, episodes[1].episodeId, users[0]);
    // transcripts: a newer revision before an older one, one removed, one of an episode not known yet
    await transcribe(h, episodes[1].episodeId, 2, segmentsOf(['opening words', 'the replayed narwhal speaks']));
    await transcribe(h, episodes[1].episodeId, 1, segmentsOf(['an older text']));
    await transcribe(h, episodes[2].episodeId, 1, segmentsOf(['soon gone']));
    await transcribe(h, episodes[2].episodeId, 2, []);
    await transcribe(h, randomUUID(), 1, segmentsOf(['ahead of its episode']));
    const duplicate = await play(h, episodes[3].episodeId, users[2]);
    await emit(h, PlayRecorded, episodes[3].episodeId, duplicate.payload, { id: duplicate.id, occurredAt: duplicate.occurredAt, position: duplicate.position });
    // a type discovery does not consume, and a poison entry
    await emit(h, CommentPosted, episodes[4].episodeId, { commentId: randomUUID(), episodeId: episodes[4].episodeId, authorId: users[0], parentId: null, parentAuthorId: null, body: 'hi' });
    await h.redis.xadd(streamOf(h.redisPrefix, 'engagement'), '*', 'type', 'engagement.PlayRecorded@1', 'event', 'not json');
    await settle(h);

    const incremental = await dumpProjections(h);
    expect(incremental.episode_docs).toHaveLength(6);
    expect(incremental.listener_affinity.length).toBeGreaterThan(0);
    expect(incremental.episode_transcripts).toHaveLength(3);
    expect(incremental.transcript_segments).toHaveLength(3);
    const result = await h.running.services.rebuild('streams');
    expect(result).toEqual({ replayed: expect.any(Number), applied: expect.any(Number), poison: 1 });
    expect(result.replayed).toBeGreaterThan(result.applied);
    expect(await dumpProjections(h)).toEqual(incremental);
    // the transcript survived the rebuild: what was said is found, and where
    const spoken = await h.call<{ search: { edges: { node: { episode: { id: string }; matches: unknown[] } }[] } }>(SEARCH, { q: 'narwhal' });
    expect(spoken.data!.search.edges.map((e) => e.node)).toEqual([
      { episode: { id: episodes[1].episodeId }, show: null, matches: [{ startSeconds: 4, text: 'the replayed <mark>narwhal</mark> speaks' }] },
    ]);
    // the consumer carries on: nothing was applied twice and new events still arrive
    const later = await publishEpisode(h, show.showId, { title: 'Replayed epilogue' });
    await eventually(async () => {
      const res = await h.call<{ search: { edges: unknown[] } }>(SEARCH, { q: 'replayed' });
      expect(res.data!.search.edges).toHaveLength(6);
    });
    expect(later.title).toBe('Replayed epilogue');
  });

  it('rebuilds while events keep arriving, and loses or doubles none of them', async () => {
    const show = await createShow(h);
    const episode = await publishEpisode(h, show.showId, { title: 'Busy episode' });
    await settle(h);
    const before = await plays();
    const total = 60;
    const feeding = (async () => {
      for (let i = 0; i < total; i += 1) {
        await play(h, episode.episodeId);
        // spread over a few hundred milliseconds, so both rebuilds overlap the feed
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const rebuilds = [await h.running.services.rebuild('streams')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    rebuilds.push(await h.running.services.rebuild('streams'));
    await feeding;
    await settle(h);
    // the first rebuild ran while the feed was still going: the streams hold more than it replayed
    const streamed = (await h.redis.xlen(streamOf(h.redisPrefix, 'catalog'))) + (await h.redis.xlen(streamOf(h.redisPrefix, 'engagement')));
    expect(rebuilds[0].replayed).toBeLessThan(streamed);
    expect(await plays()).toBe(before + total);
    const live = await dumpProjections(h);
    await h.running.services.rebuild('streams');
    expect(await dumpProjections(h)).toEqual(live);
  });
  it('is one command an operator runs beside the live subgraph', async () => {
    const show = await createShow(h, { title: 'Command line radio' });
    await publishEpisode(h, show.showId, { title: 'Typed at a terminal' });
    await settle(h);
    const before = await dumpProjections(h);
    // the compiled command, as an operator runs it (npm test builds before the tests run)
    const cli = spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/cli/rebuild.js'), '--from-streams'], {
      env: { ...process.env, DISCOVERY_DATABASE_URL: h.database.url, REDIS_PREFIX: h.redisPrefix, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^replayed \d+ events \(\d+ applied, \d+ skipped as invalid\)\n$/);
    expect(await dumpProjections(h)).toEqual(before);
  });
});

import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { EpisodeArchived } from '@wavegraph/events';
import { counts, errorOf, outboxOf, startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const RECORD = `mutation($e: ID!, $p: Int!, $c: Boolean, $app: String) {
  recordPlay(episodeId: $e, positionSeconds: $p, completed: $c, clientApp: $app) { positionSeconds completed updatedAt episode { id playCount viewerProgress { positionSeconds completed } } }
}`;
const HISTORY = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on User {
  history(first: $first, after: $after) { edges { node { positionSeconds episode { id } } } pageInfo { hasNextPage endCursor } }
} } }`;
const RECENT = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { recentlyPlayed(first: 10) { edges { node { completed episode { id } } } } } } }';

type Recorded = { positionSeconds: number; completed: boolean; updatedAt: string; episode: { id: string; playCount: number; viewerProgress: { positionSeconds: number; completed: boolean } } };
type History = { history: { edges: { node: { positionSeconds: number; episode: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('play progress', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const record = async (who: Viewer, episodeId: string, position: number, completed = false): Promise<Recorded> => {
    const res = await h.call<{ recordPlay: Recorded }>(RECORD, { e: episodeId, p: position, c: completed }, who);
    if (!res.data?.recordPlay) throw new Error(`recordPlay failed: ${JSON.stringify(res.errors)}`);
    return res.data.recordPlay;
  };
  const historyOf = async (who: Viewer, first = 10, after: string | null = null) =>
    (await h.call<{ _entities: History[] }>(HISTORY, { r: [{ __typename: 'User', id: who.id }], first, after }, who)).data!._entities[0].history;

  it('counts one play per listening session: the first report, or one after a 30-minute pause', async () => {
    const { episodeId } = await h.catalog.episode();
    const alice = viewer();
    const first = await record(alice, episodeId, 0);
    expect(first).toMatchObject({ positionSeconds: 0, completed: false, episode: { id: episodeId, playCount: 1, viewerProgress: { positionSeconds: 0, completed: false } } });
    const progress = await record(alice, episodeId, 120);
    expect(progress.episode).toMatchObject({ playCount: 1, viewerProgress: { positionSeconds: 120 } });

    await h.running.db.dataSource.query("UPDATE play_progress SET updated_at = now() - interval '31 minutes' WHERE user_id = $1", [alice.id]);
    expect((await record(alice, episodeId, 130)).episode.playCount).toBe(2);
    expect((await record(viewer(), episodeId, 5)).episode.playCount).toBe(3);
    expect((await record(alice, episodeId, 3600, true)).episode).toMatchObject({ playCount: 3, viewerProgress: { positionSeconds: 3600, completed: true } });

    const events = await outboxOf(h, episodeId);
    expect(events.map((e) => e.type)).toEqual(Array(5).fill('engagement.PlayRecorded'));
    expect(events.map((e) => e.payload.counted)).toEqual([true, false, true, true, false]);
    expect(events[4].payload).toEqual({ episodeId, userId: alice.id, positionSeconds: 3600, completed: true, counted: false });
  });

  it('carries the player that reported, trimmed, on PlayRecorded', async () => {
    const { episodeId } = await h.catalog.episode();
    const alice = viewer();
    for (const app of ['  Wavegraph Web  ', '   ', null]) {
      const res = await h.call<{ recordPlay: Recorded }>(RECORD, { e: episodeId, p: 10, app }, alice);
      expect(res.errors).toBeUndefined();
    }
    const events = await outboxOf(h, episodeId);
    expect(events.map((e) => e.payload.clientApp)).toEqual(['Wavegraph Web', undefined, undefined]);
  });

  it('lists unfinished episodes most recently played first ("continue listening")', async () => {
    const alice = viewer();
    const [a, b, c] = [await h.catalog.episode(), await h.catalog.episode(), await h.catalog.episode()];
    await record(alice, a.episodeId, 10);
    await record(alice, b.episodeId, 20);
    await record(alice, c.episodeId, 30);
    await record(alice, a.episodeId, 15);
    expect((await historyOf(alice)).edges.map((e) => [e.node.episode.id, e.node.positionSeconds])).toEqual([
      [a.episodeId, 15], [c.episodeId, 30], [b.episodeId, 20],
    ]);
    await record(alice, c.episodeId, 999, true);
    const page1 = await historyOf(alice, 1);
    expect(page1.edges.map((e) => e.node.episode.id)).toEqual([a.episodeId]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await historyOf(alice, 1, page1.pageInfo.endCursor);
    expect(page2.edges.map((e) => e.node.episode.id)).toEqual([b.episodeId]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const recent = await h.call<{ _entities: { recentlyPlayed: { edges: { node: { completed: boolean; episode: { id: string } } }[] } }[] }>(
      RECENT, { r: [{ __typename: 'User', id: alice.id }] }, alice,
    );
    expect(recent.data?._entities[0].recentlyPlayed.edges.map((e) => [e.node.episode.id, e.node.completed])).toEqual([
      [c.episodeId, true], [a.episodeId, false], [b.episodeId, false],
    ]);

    // an archived episode leaves the list
    await h.catalog.emit(EpisodeArchived, b.episodeId, h.catalog.snapshot(b, 'ARCHIVED'));
    expect((await historyOf(alice)).edges.map((e) => e.node.episode.id)).toEqual([a.episodeId]);
  });

  it('keeps history private', async () => {
    const alice = viewer();
    const r = [{ __typename: 'User', id: alice.id }];
    const other = await h.call<{ _entities: { history: null }[] }>(HISTORY, { r }, viewer());
    expect(errorOf(other)).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(other.data?._entities[0].history).toBeNull();
    expect(errorOf(await h.call(HISTORY, { r }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });
    const anonymous = await h.call<{ _entities: { viewerProgress: null }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { viewerProgress { positionSeconds } } } }',
      { r: [{ __typename: 'Episode', id: randomUUID() }] },
    );
    expect(anonymous.data?._entities[0].viewerProgress).toBeNull();
  });

  it('refuses bad reports and writes nothing', async () => {
    const { episodeId } = await h.catalog.episode();
    const draft = await h.catalog.episode('DRAFT');
    const alice = viewer();
    const before = await counts(h, ['play_progress', 'episode_stats', 'outbox']);
    const cases: [Record<string, unknown>, Viewer | null, { code: string; field?: string }][] = [
      [{ e: episodeId, p: -1 }, alice, { code: 'BAD_USER_INPUT', field: 'positionSeconds' }],
      [{ e: episodeId, p: 86_401 }, alice, { code: 'BAD_USER_INPUT', field: 'positionSeconds' }],
      [{ e: 'nope', p: 1 }, alice, { code: 'BAD_USER_INPUT', field: 'episodeId' }],
      [{ e: draft.episodeId, p: 1 }, alice, { code: 'NOT_FOUND', field: 'episodeId' }],
      [{ e: randomUUID(), p: 1 }, alice, { code: 'NOT_FOUND', field: 'episodeId' }],
      [{ e: episodeId, p: 1 }, null, { code: 'UNAUTHENTICATED' }],
      [{ e: episodeId, p: 1, app: 'x'.repeat(65) }, alice, { code: 'BAD_USER_INPUT', field: 'clientApp' }],
    ];
    for (const [variables, who, expected] of cases) {
      expect(errorOf(await h.call(RECORD, variables, who))).toEqual({ field: undefined, ...expected });
    }
    expect(await counts(h, ['play_progress', 'episode_stats', 'outbox'])).toEqual(before);
    expect((await record(alice, episodeId, 86_400)).positionSeconds).toBe(86_400);
  });
});

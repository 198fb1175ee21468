import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { createShow, errorOf, heartbeat, publishEpisode, settle, startAnalytics, viewer, type AnalyticsHarness } from '../testing/harness';

const ALSO = `query($r: [_Any!]!, $first: Int) { _entities(representations: $r) { ... on Episode { listenersAlsoLiked(first: $first) { episode { id } sharedListeners } } } }`;
const FOR_YOU = 'query($first: Int) { forYou(first: $first) { episode { id } sharedListeners } }';
type Recommendation = { episode: { id: string }; sharedListeners: number };

describe('recommendations from who listened to what', () => {
  let h: AnalyticsHarness;
  const ids: Record<'a' | 'b' | 'c' | 'draft' | 'e', string> = { a: '', b: '', c: '', draft: '', e: '' };
  const u1 = viewer();
  const [u2, u3, u4] = [randomUUID(), randomUUID(), randomUUID()];

  const alsoLiked = async (id: string, first?: number) => {
    const res = await h.call<{ _entities: { listenersAlsoLiked: Recommendation[] }[] }>(ALSO, { r: [{ __typename: 'Episode', id }], first });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!._entities[0].listenersAlsoLiked;
  };
  const forYou = (who: Viewer | null, first?: number) => h.call<{ forYou: Recommendation[] }>(FOR_YOU, { first }, who);
  const byCountThenId = (list: Recommendation[]) => list.map((r) => [r.sharedListeners, r.episode.id]);

  beforeAll(async () => {
    h = await startAnalytics();
    const show = await createShow(h, randomUUID());
    for (const key of ['a', 'b', 'c', 'e'] as const) ids[key] = (await publishEpisode(h, show)).episodeId;
    ids.draft = (await publishEpisode(h, show, 'DRAFT')).episodeId;
    const listened: [string, (keyof typeof ids)[]][] = [
      [u1.id, ['a', 'b']],
      [u2, ['a', 'b', 'c']],
      [u3, ['a', 'draft', 'e']],
      [u4, ['e']],
    ];
    for (const [listener, episodes] of listened) for (const key of episodes) await heartbeat(h, ids[key], listener, new Date().toISOString(), 10);
    await settle(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('ranks published episodes by listeners shared with the episode, leaving out the episode itself and drafts', async () => {
    const sorted = [ids.c, ids.e].sort();
    expect(byCountThenId(await alsoLiked(ids.a))).toEqual([[2, ids.b], [1, sorted[0]], [1, sorted[1]]]);
    expect(byCountThenId(await alsoLiked(ids.a, 1))).toEqual([[2, ids.b]]);
    expect(byCountThenId(await alsoLiked(ids.e))).toEqual([[1, ids.a]]);
    expect(await alsoLiked(randomUUID())).toEqual([]);
  });

  it("suggests to a listener what those who share their episodes played and they have not", async () => {
    const res = await forYou(u1);
    expect(res.errors).toBeUndefined();
    expect(byCountThenId(res.data!.forYou)).toEqual([[1, ids.c], [1, ids.e]].sort((x, y) => String(x[1]).localeCompare(String(y[1]))));
    expect((await forYou(viewer())).data!.forYou).toEqual([]);
    expect(errorOf(await forYou(null)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await forYou(u1, 0))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

import { eventually } from '@wavegraph/testkit';
import { startEngagement, viewer, type EngagementHarness } from '../testing/harness';
import { likeCountTopic } from './like.service';

const CHANGED = 'subscription($e: ID!) { episodeLikeCountChanged(episodeId: $e) { id likeCount } }';
const LIKE = 'mutation($e: ID!) { likeEpisode(episodeId: $e) { likeCount } }';
const UNLIKE = 'mutation($e: ID!) { unlikeEpisode(episodeId: $e) { likeCount } }';

type Changed = { episodeLikeCountChanged: { id: string; likeCount: number } };

describe('episodeLikeCountChanged subscription', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const run = async (mutation: string, episodeId: string, who: ReturnType<typeof viewer>) => {
    const res = await h.call(mutation, { e: episodeId }, who);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  };

  it('sends the new count after each like and unlike that changed it, and nothing for a repeat or another episode', async () => {
    const { episodeId } = await h.catalog.episode();
    const { episodeId: other } = await h.catalog.episode();
    const sub = h.subscribe<Changed>(CHANGED, { e: episodeId }, null);
    await eventually(async () => h.running.pubSub.listeners(likeCountTopic(episodeId)) === 1);
    const [ada, bob] = [viewer(), viewer()];

    // each event is read when it is resolved, so the next change waits for it: every count is exact
    await run(LIKE, episodeId, ada);
    await sub.received(1);
    await run(LIKE, episodeId, ada); // already liked: nothing changes, nothing is sent
    await run(LIKE, other, ada);
    await run(LIKE, episodeId, bob);
    await sub.received(2);
    await run(UNLIKE, episodeId, ada);
    await sub.received(3);
    await run(UNLIKE, episodeId, ada); // already unliked
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sub.results.map((r) => r.data?.episodeLikeCountChanged)).toEqual([
      { id: episodeId, likeCount: 1 },
      { id: episodeId, likeCount: 2 },
      { id: episodeId, likeCount: 1 },
    ]);
    await sub.close();
  });

  it('refuses a malformed episodeId with BAD_USER_INPUT', async () => {
    const sub = h.subscribe(CHANGED, { e: 'nope' }, null);
    const [result] = await sub.received(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'episodeId' });
    expect(await sub.ended).toMatchObject({ completed: true });
  });
});

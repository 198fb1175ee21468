import { pubSubListeners, startTestSubgraph, subscribeToSubgraph, type SubgraphHarness } from '@wavegraph/testkit';
import { engagementModule } from '../engagement.module';
import type { EngagementServices } from '../services';
import { startEngagement, viewer, type EngagementHarness } from '../testing/harness';
import { commentAddedTopic } from './comment.service';

const COMMENT_ADDED = 'subscription($e: ID!) { commentAdded(episodeId: $e) { id body deleted author { id } episode { id } parent { id } } }';
const POST = 'mutation($e: ID!, $b: String!, $p: ID) { postComment(episodeId: $e, body: $b, parentId: $p) { id } }';

type Added = { commentAdded: { id: string; body: string; deleted: boolean; author: { id: string }; episode: { id: string }; parent: { id: string } | null } };

describe('commentAdded subscription', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = async (via: SubgraphHarness<EngagementServices>, episodeId: string, body: string, parentId?: string) => {
    const author = viewer();
    const res = await via.call<{ postComment: { id: string } }>(POST, { e: episodeId, b: body, p: parentId ?? null }, author);
    if (!res.data?.postComment) throw new Error(`postComment failed: ${JSON.stringify(res.errors)}`);
    return { id: res.data.postComment.id, author };
  };

  it('delivers comments posted on the episode, with their fields, and nothing from other episodes', async () => {
    const { episodeId } = await h.catalog.episode();
    const { episodeId: otherEpisodeId } = await h.catalog.episode();
    const sub = h.subscribe<Added>(COMMENT_ADDED, { e: episodeId }, viewer());
    await pubSubListeners(h.redisPrefix, commentAddedTopic(episodeId));

    await post(h, otherEpisodeId, 'Elsewhere');
    const first = await post(h, episodeId, '  Live!  ');
    const reply = await post(h, episodeId, 'Reply', first.id);
    const results = await sub.received(2);
    expect(results.map((r) => r.data?.commentAdded)).toEqual([
      { id: first.id, body: 'Live!', deleted: false, author: { id: first.author.id }, episode: { id: episodeId }, parent: null },
      { id: reply.id, body: 'Reply', deleted: false, author: { id: reply.author.id }, episode: { id: episodeId }, parent: { id: first.id } },
    ]);
    await sub.close();
    expect(sub.results).toHaveLength(2);
  });

  it('refuses a malformed episodeId with BAD_USER_INPUT', async () => {
    const sub = h.subscribe(COMMENT_ADDED, { e: 'not-an-id' }, viewer());
    const [result] = await sub.received(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'episodeId' });
    expect(await sub.ended).toMatchObject({ completed: true });
  });

  it('refuses a connection that did not come through the gateway', async () => {
    const { episodeId } = await h.catalog.episode();
    const sub = subscribeToSubgraph(h.running.url, COMMENT_ADDED, { e: episodeId }, null, { signed: false });
    expect(await sub.ended).toEqual({ completed: false, closeCode: 4403 });
    await post(h, episodeId, 'Unseen');
    expect(sub.results).toEqual([]);
  });

  it('fans out across replicas: a subscriber on replica B gets a comment posted through replica A exactly once', async () => {
    const replicaB = await startTestSubgraph(engagementModule, { database: h.database, redisPrefix: h.redisPrefix });
    try {
      const { episodeId } = await h.catalog.episode();
      const sub = replicaB.subscribe<Added>(COMMENT_ADDED, { e: episodeId }, viewer());
      await pubSubListeners(h.redisPrefix, commentAddedTopic(episodeId));
      const first = await post(h, episodeId, 'From A');
      // a second comment marks the end: had the first been delivered twice, it would come before this one
      const second = await post(h, episodeId, 'Also from A');
      await sub.received(2);
      expect(sub.results.map((r) => r.data?.commentAdded.id)).toEqual([first.id, second.id]);
      expect(sub.results[0].data?.commentAdded.body).toBe('From A');
      await sub.close();
    } finally {
      await replicaB.stop();
    }
  });

  it('ends open subscriptions when the subgraph stops', async () => {
    const replica = await startTestSubgraph(engagementModule, { database: h.database, redisPrefix: h.redisPrefix });
    const { episodeId } = await h.catalog.episode();
    const sub = replica.subscribe(COMMENT_ADDED, { e: episodeId }, viewer());
    await pubSubListeners(h.redisPrefix, commentAddedTopic(episodeId));
    await replica.stop();
    expect(await sub.ended).toEqual({ completed: false, errors: [expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE' } })] });
  });
});

import { eventually } from '@wavegraph/testkit';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp as signUpAs } from './support/users';

/** The gateway's budget for one subgraph fetch in this scenario: a held request outlives it. */
const TIMEOUT_MS = 2_000;

const POST_COMMENT = 'mutation($episodeId: ID!, $body: String!) { postComment(episodeId: $episodeId, body: $body) { id body author { handle } } }';
const LIKE = 'mutation($episodeId: ID!) { likeEpisode(episodeId: $episodeId) { id likeCount viewerHasLiked } }';
const RECORD_PLAY = 'mutation($episodeId: ID!, $at: Int!) { recordPlay(episodeId: $episodeId, positionSeconds: $at) { positionSeconds } }';

interface Answer extends RawResponse {
  text: string;
}

describe('idempotent mutations and no phantom writes', () => {
  let supergraph: TestSupergraph;
  let engagement: FaultProxy;
  let episodeId: string;
  let ada: string;
  let bea: string;

  /** A raw POST keeping the exact bytes of the answer, to compare a replay with the original. */
  async function send(query: string, variables: object, token: string, key?: string): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    if (key !== undefined) headers['idempotency-key'] = key;
    const response = await fetch(supergraph.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as RawResponse['body'] };
  }
  const count = async (table: 'comments' | 'likes' | 'play_progress') => {
    const [row] = (await supergraph.engagement.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE episode_id = $1`, [episodeId])) as { n: number }[];
    return row.n;
  };
  const signUp = async (handle: string): Promise<string> => (await signUpAs(supergraph, handle)).token;

  beforeAll(async () => {
    supergraph = await startTestSupergraph({ subgraphTimeoutMs: TIMEOUT_MS }, undefined, {
      front: { engagement: async (url) => (engagement = await startFaultProxy(url)).url },
    });
    const owner = await signUp('idemowner');
    [ada, bea] = [await signUp('idemada'), await signUp('idembea')];
    const creator = supergraph.client(owner);
    const { createShow } = await creator.CreateShow({ input: { slug: 'once-only', title: 'Once only', category: 'NEWS', language: 'en' } });
    const { createEpisode } = await creator.CreateEpisode({ input: { showId: createShow.id, title: 'Said once' } });
    episodeId = createEpisode.id;
    await creator.PublishEpisode({ id: episodeId });
    // engagement takes likes and comments once it has heard of the publication; unliking changes nothing
    await eventually(() => creator.UnlikeEpisode({ episodeId }));
  }, 120_000);
  afterAll(async () => {
    await supergraph?.stop();
    await engagement?.stop();
  });

  it('creates one comment for a postComment retried with the same key, and answers both alike', async () => {
    const variables = { episodeId, body: 'First!' };
    const first = await send(POST_COMMENT, variables, ada, 'comment-1');
    expect(first.status).toBe(200);
    expect(first.body.data?.postComment).toMatchObject({ body: 'First!', author: { handle: 'idemada' } });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await send(POST_COMMENT, variables, ada, 'comment-1');
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('comments')).toBe(1);
  });

  it('makes concurrent sends of one key run once: both get the same comment', async () => {
    const before = await count('comments');
    const variables = { episodeId, body: 'Sent twice at once' };
    const [a, b] = await Promise.all([send(POST_COMMENT, variables, ada, 'comment-2'), send(POST_COMMENT, variables, ada, 'comment-2')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.text).toBe(a.text);
    expect([a.headers.get('idempotent-replayed'), b.headers.get('idempotent-replayed')].sort()).toEqual([null, 'true'].sort());
    expect(await count('comments')).toBe(before + 1);
  });

  it('refuses the same key with another body (422) and runs nothing', async () => {
    const before = await count('comments');
    const other = await send(POST_COMMENT, { episodeId, body: 'Something else' }, ada, 'comment-1');
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([{ message: 'This Idempotency-Key was used for another operation or other variables', extensions: { code: 'IDEMPOTENCY_KEY_REUSED' } }]);
    expect(await count('comments')).toBe(before);
  });

  it('keeps another viewer\'s same key apart: their comment is their own', async () => {
    const before = await count('comments');
    const theirs = await send(POST_COMMENT, { episodeId, body: 'First!' }, bea, 'comment-1');
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.data?.postComment).toMatchObject({ body: 'First!', author: { handle: 'idembea' } });
    expect(await count('comments')).toBe(before + 1);
  });

  it('ignores a key on a query', async () => {
    const query = 'query($id: ID!) { episode(id: $id) { commentCount } }';
    const a = await postGraphQL(supergraph.url, query, { token: ada, variables: { id: episodeId }, headers: { 'idempotency-key': 'read-1' } });
    await send(POST_COMMENT, { episodeId, body: 'One more' }, ada);
    const b = await postGraphQL(supergraph.url, query, { token: ada, variables: { id: episodeId }, headers: { 'idempotency-key': 'read-1' } });
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect((b.body.data?.episode as { commentCount: number }).commentCount).toBe((a.body.data?.episode as { commentCount: number }).commentCount + 1);
  });

  it('does not apply a like held past the gateway timeout once it gets through, and lets the client retry its key', async () => {
    engagement.failNext('hold');
    const started = Date.now();
    const timedOut = await send(LIKE, { episodeId }, ada, 'like-1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    // likeEpisode is a reference to catalog’s Episode, so nullable: its key is null, not data
    expect(timedOut.body.data).toEqual({ likeEpisode: null });
    expect(timedOut.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);

    // the held request reaches engagement now, with its envelope still signed and fresh: refused, unrun
    expect(await engagement.release()).toEqual([504]);
    expect(await count('likes')).toBe(0);

    // the failure was retryable, so the key was not spent: the retry likes, once
    const retry = await send(LIKE, { episodeId }, ada, 'like-1');
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.body.data?.likeEpisode).toEqual({ id: episodeId, likeCount: 1, viewerHasLiked: true });
    const again = await send(LIKE, { episodeId }, ada, 'like-1');
    expect(again.text).toBe(retry.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('likes')).toBe(1);
  });

  it('does not record a play held past the gateway timeout (no key needed)', async () => {
    engagement.failNext('hold');
    const timedOut = await send(RECORD_PLAY, { episodeId, at: 42 }, bea);
    expect(timedOut.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
    expect(await engagement.release()).toEqual([504]);
    expect(await count('play_progress')).toBe(0);
    const { body } = await postGraphQL(supergraph.url, 'query($id: ID!) { episode(id: $id) { playCount } }', { token: bea, variables: { id: episodeId } });
    expect(body.data?.episode).toEqual({ playCount: 0 });
  });

  it('counts what became of the keyed mutations on the gateway\'s metrics', async () => {
    const counter = supergraph.metrics.gateway.getSingleMetric('wavegraph_gateway_idempotency_total');
    const values = Object.fromEntries(((await counter?.get())?.values ?? []).map((v) => [v.labels.outcome, v.value]));
    // comment-1, comment-2, bea's comment-1, like-1 stored; comment-1, comment-2, like-1 replayed; the timed-out like freed its key
    expect(values).toEqual({ stored: 4, replayed: 3, reused: 1, released: 1 });
  });
});

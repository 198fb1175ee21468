import { createWavegraphClient, type WavegraphClient } from '@wavegraph/client';
import { startGateway, type RunningGateway } from '@wavegraph/gateway';
import { engagementModule } from '@wavegraph/engagement';
import type { RunningSubgraph } from '@wavegraph/kit';
import { eventually, startTestSubgraph, subscribeOverWebSocket, type TestSubscription } from '@wavegraph/testkit';
import { createClient } from 'graphql-ws';
import { SignJWT, importJWK, decodeProtectedHeader, type JWK } from 'jose';
import WebSocket from 'ws';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const COMMENT_ADDED = `subscription CommentAdded($e: ID!) {
  commentAdded(episodeId: $e) { id body author { handle } episode { id title likeCount show { title } } }
}`;

interface CommentAdded {
  commentAdded: { id: string; body: string; author: { handle: string }; episode: { id: string; title: string; likeCount: number; show: { title: string } } };
}

const LIMITS = { initTimeoutMs: 500, maxPerConnection: 3, bufferPerSubscription: 5, maxConnectionsPerUser: 10, maxPayloadBytes: 64 * 1024 };

describe('subscriptions through the gateway (graphql-ws on ws://…/graphql)', () => {
  let supergraph: TestSupergraph;
  let author: { client: WavegraphClient; token: string; userId: string };
  let showId: string;
  let episodeId: string;
  const open: TestSubscription<unknown>[] = [];
  const stats = () => supergraph.gateway.subscriptions.executor.stats();

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  function subscribe<T>(query: string, variables: Record<string, unknown>, params: Record<string, unknown> = {}, url = supergraph.url): TestSubscription<T> {
    const sub = subscribeOverWebSocket<T>(url, query, variables, params);
    open.push(sub);
    return sub;
  }
  /** Waits until `count` upstream subscriptions listen for this episode's comments: events before that would be missed. */
  const listening = (count = 1, subgraph: RunningSubgraph<unknown> = supergraph.engagement) =>
    eventually(async () => subgraph.pubSub.listeners(`COMMENT_ADDED:${episodeId}`) === count);
  const comment = async (body: string, client = author.client) => (await client.PostComment({ episodeId, body })).postComment.id;
  /** Every test listens on an episode of its own, so no subscription of another test is counted. */
  async function freshEpisode(title = 'Notes on the engine'): Promise<string> {
    const { createEpisode } = await author.client.CreateEpisode({ input: { showId, title, description: '' } });
    await author.client.PublishEpisode({ id: createEpisode.id });
    // engagement accepts engagement once it has learned of the publication
    await eventually(async () => author.client.LikeEpisode({ episodeId: createEpisode.id }));
    return createEpisode.id;
  }

  beforeAll(async () => {
    supergraph = await startTestSupergraph({ subscriptions: LIMITS });
    const { register } = await supergraph.client().Register({ input: { email: 'ada@example.com', handle: 'ada', displayName: 'Ada', password: 'ada has a long password' } });
    author = { client: supergraph.client(register.accessToken), token: register.accessToken, userId: register.user.id };
    const { createShow } = await author.client.CreateShow({ input: { slug: 'engines', title: 'Analytical Engines', category: 'SCIENCE', language: 'en' } });
    showId = createShow.id;
  });
  beforeEach(async () => {
    episodeId = await freshEpisode();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((sub) => sub.close()));
  });
  afterAll(() => supergraph?.stop());

  it('delivers each new comment with fields from identity, catalog and engagement filled in, as they are at that event', async () => {
    const sub = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId });
    await listening();
    const first = await comment('First!');
    await sub.received(1);
    // the like count of the second event is read afresh, not remembered from the first
    await author.client.UnlikeEpisode({ episodeId });
    const second = await comment('Second');
    const results = await sub.received(2);
    const episode = { id: episodeId, title: 'Notes on the engine', show: { title: 'Analytical Engines' } };
    expect(results).toEqual([
      { data: { commentAdded: { id: first, body: 'First!', author: { handle: 'ada' }, episode: { ...episode, likeCount: 1 } } } },
      { data: { commentAdded: { id: second, body: 'Second', author: { handle: 'ada' }, episode: { ...episode, likeCount: 0 } } } },
    ]);
  });

  it('delivers like counts as they change, with the episode title from catalog', async () => {
    const sub = subscribe<{ episodeLikeCountChanged: { id: string; title: string; likeCount: number } }>(
      'subscription($e: ID!) { episodeLikeCountChanged(episodeId: $e) { id title likeCount } }',
      { e: episodeId },
    );
    await eventually(async () => supergraph.engagement.pubSub.listeners(`EPISODE_LIKE_COUNT:${episodeId}`) === 1);
    await author.client.UnlikeEpisode({ episodeId });
    await author.client.LikeEpisode({ episodeId });
    const results = await sub.received(2);
    expect(results.map((r) => r.data?.episodeLikeCountChanged)).toEqual([
      { id: episodeId, title: 'Notes on the engine', likeCount: 0 },
      { id: episodeId, title: 'Notes on the engine', likeCount: 1 },
    ]);
  });

  it("a show's follower gets notificationAdded for a new episode, with titles from catalog, and it is in their inbox", async () => {
    const { register } = await supergraph.client().Register({ input: { email: 'fan@example.com', handle: 'fan', displayName: 'Fan', password: 'fan has a long password' } });
    const fan = supergraph.client(register.accessToken);
    // the welcome arrives first, before the subscription
    await eventually(async () => (await fan.MyNotifications({})).me?.unreadNotificationCount === 1);
    await fan.FollowShow({ showId });
    const sub = subscribe<{ notificationAdded: { kind: string; message: string; episode: { title: string; show: { title: string } } | null } }>(
      'subscription { notificationAdded { kind message episode { title show { title } } } }',
      {},
      auth(register.accessToken),
    );
    await eventually(async () => supergraph.notifications.pubSub.listeners(`NOTIFICATION_ADDED:${register.user.id}`) === 1);
    // the follow has reached notifications before the episode is published
    await eventually(async () => (await supergraph.notifications.db.dataSource.query('SELECT 1 FROM show_followers WHERE user_id = $1 AND following', [register.user.id])).length === 1);
    await freshEpisode('Difference engines');
    const [result] = await sub.received(1);
    expect(result.data?.notificationAdded).toEqual({
      kind: 'NEW_EPISODE',
      message: 'New episode: Difference engines',
      episode: { title: 'Difference engines', show: { title: 'Analytical Engines' } },
    });
    // the inbox has both, newest first
    const { me } = await fan.MyNotifications({});
    expect(me?.notifications?.edges.map((e) => e.node.kind)).toEqual(['NEW_EPISODE', 'WELCOME']);
    expect(me?.unreadNotificationCount).toBe(2);
    expect((await fan.MarkNotificationsRead({ all: true })).markNotificationsRead).toBe(2);
  });

  it('refuses notificationAdded to an anonymous subscriber (there is no way to name another user)', async () => {
    const sub = subscribe('subscription { notificationAdded { id } }', {});
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('opens one upstream subscription for identical subscribers, and each receives every event once', async () => {
    const before = stats();
    const subs = [
      subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId }),
      subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId }),
      // signed in: another viewer, whose fields may differ, so an upstream subscription of its own
      subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId }, auth(author.token)),
    ];
    await eventually(async () => stats().subscribers === before.subscribers + 3);
    await listening(2);
    expect(stats().upstreamSubscriptions).toBe(before.upstreamSubscriptions + 2);
    await comment('one');
    await comment('two');
    for (const sub of subs) {
      const results = await sub.received(2);
      expect(results.map((r) => r.data?.commentAdded.body)).toEqual(['one', 'two']);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subs.map((sub) => sub.results.length)).toEqual([2, 2, 2]);
  });

  describe('connection rules', () => {
    it('closes a connection with an invalid token with 4403, before any operation runs', async () => {
      const sub = subscribe(COMMENT_ADDED, { e: episodeId }, auth('not-a-jwt'));
      expect(await sub.ended).toEqual({ completed: false, closeCode: 4403 });
    });

    it('closes a connection that never sends connection_init with 4408', async () => {
      const socket = new WebSocket(supergraph.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      const code = await new Promise<number>((resolve) => socket.on('close', (closeCode) => resolve(closeCode)));
      expect(code).toBe(4408);
    });

    it('closes the connection with 4403 when its access token expires', async () => {
      const [{ private_jwk: key }] = (await supergraph.identity.db.dataSource.query('SELECT private_jwk FROM signing_key')) as { private_jwk: JWK }[];
      const claims = JSON.parse(Buffer.from(author.token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      const shortLived = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) + 2 })
        .setProtectedHeader({ alg: 'ES256', kid: decodeProtectedHeader(author.token).kid })
        .sign(await importJWK(key, 'ES256'));
      const sub = subscribe(COMMENT_ADDED, { e: episodeId }, auth(shortLived));
      await listening();
      const started = Date.now();
      expect(await sub.ended).toEqual({ completed: false, closeCode: 4403 });
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('refuses more subscriptions than allowed on one connection, keeping the others', async () => {
      const before = stats().subscribers;
      const client = createClient({ url: supergraph.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      try {
        const outcomes: Promise<unknown>[] = [];
        const bodies: string[][] = [];
        for (let i = 0; i <= LIMITS.maxPerConnection; i += 1) {
          bodies.push([]);
          outcomes.push(
            new Promise((resolve) => {
              client.subscribe<CommentAdded>({ query: COMMENT_ADDED, variables: { e: episodeId } }, {
                next: (result) => void bodies[i].push(result.data?.commentAdded.body ?? ''),
                error: resolve,
                complete: () => resolve('complete'),
              });
            }),
          );
        }
        expect(await outcomes[LIMITS.maxPerConnection]).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })]);
        await eventually(async () => stats().subscribers === before + LIMITS.maxPerConnection);
        await listening();
        await comment('still flowing');
        await eventually(async () => bodies.slice(0, LIMITS.maxPerConnection).every((b) => b.length === 1));
        expect(bodies.slice(0, LIMITS.maxPerConnection)).toEqual([['still flowing'], ['still flowing'], ['still flowing']]);
      } finally {
        await client.dispose();
      }
    });

    it.each([
      ['a query (queries go over HTTP)', '{ episode(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, 'BAD_REQUEST'],
      ['an unknown field', 'subscription { commentAdded(episodeId: "x") { nope } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
      ['a syntax error', 'subscription {', {}, 'GRAPHQL_PARSE_FAILED'],
      ['a missing variable', COMMENT_ADDED, {}, 'BAD_USER_INPUT'],
      [
        'a selection nested beyond the depth limit',
        'subscription($e: ID!) { commentAdded(episodeId: $e) { episode { show { episodes { edges { node { show { episodes { edges { node { show { episodes { edges { node { id } } } } } } } } } } } } } } }',
        {},
        'QUERY_TOO_COMPLEX',
      ],
    ])('refuses %s with its code and leaves the connection open', async (_name, query, variables, code) => {
      const sub = subscribe(query, variables);
      const ended = await sub.ended;
      expect(ended.closeCode).toBeUndefined();
      expect(ended.errors?.[0]?.extensions).toMatchObject({ code });
    });

    it("passes the owning subgraph's refusal through (a malformed episode id)", async () => {
      const sub = subscribe(COMMENT_ADDED, { e: 'not-a-uuid' });
      const ended = await sub.ended;
      expect(sub.results[0]?.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(ended.completed).toBe(true);
    });
  });

  it('a client that stops reading does not hold up the others', async () => {
    // a raw client: subscribes, then never reads its socket again
    const slow = new WebSocket(supergraph.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => slow.on('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => slow.once('message', resolve));
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: COMMENT_ADDED, variables: { e: episodeId } } }));
    const before = stats().subscribers;
    const fast = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId });
    await eventually(async () => stats().subscribers === before + 2);
    await listening();
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    try {
      const bodies = Array.from({ length: 20 }, (_, i) => `${i} ${'x'.repeat(1900)}`);
      for (const body of bodies) await comment(body);
      const results = await fast.received(bodies.length);
      expect(results.map((r) => r.data?.commentAdded.body)).toEqual(bodies);
    } finally {
      slow.terminate();
    }
  });

  describe('two gateways, two engagement replicas', () => {
    let replica: Awaited<ReturnType<typeof startTestSubgraph>>;
    let gatewayB: RunningGateway;
    beforeAll(async () => {
      replica = await startTestSubgraph(engagementModule, { database: supergraph.database('engagement'), redisPrefix: supergraph.redisPrefix });
      gatewayB = await startGateway({ ...supergraph.gatewayConfig, subgraphUrls: { ...supergraph.gatewayConfig.subgraphUrls, engagement: replica.running.url } });
    });
    afterAll(async () => {
      await gatewayB?.stop();
      await replica?.stop();
    });

    it('a subscriber on gateway A receives, exactly once, the comment posted through gateway B', async () => {
      const sub = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId });
      await listening();
      const id = await comment('through B', createWavegraphClient(gatewayB.url, author.token));
      const [result] = await sub.received(1);
      expect(result.data?.commentAdded).toMatchObject({ id, body: 'through B', author: { handle: 'ada' } });
      // nothing else arrives: no duplicate from the second replica or gateway
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sub.results).toHaveLength(1);
    });

    it('a gateway shutting down closes its subscriptions with 1001; the client resubscribes on the other one', async () => {
      const other = await startGateway(supergraph.gatewayConfig);
      const sub = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId }, {}, other.url);
      await listening();
      await other.stop();
      expect(await sub.ended).toEqual({ completed: false, closeCode: 1001 });
      const again = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId }, {}, gatewayB.url);
      await listening(1, replica.running);
      await comment('after the restart');
      expect((await again.received(1))[0].data?.commentAdded.body).toBe('after the restart');
    });

    it('a subgraph replica going away ends its subscriptions with an error instead of hanging', async () => {
      const sub = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId }, {}, gatewayB.url);
      await listening(1, replica.running);
      await replica.stop();
      const ended = await sub.ended;
      expect(ended.completed).toBe(true);
      expect(sub.results.at(-1)?.errors?.[0]).toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    });
  });

  it('keeps no upstream subscription once every subscriber has left', async () => {
    const sub = subscribe<CommentAdded>(COMMENT_ADDED, { e: episodeId });
    await listening();
    await sub.close();
    await eventually(async () => stats().subscribers === 0 && stats().upstreamSubscriptions === 0);
    await listening(0);
  });
});

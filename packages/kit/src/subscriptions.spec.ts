import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { signEnvelope, type Viewer } from '@wavegraph/auth';
import {
  pubSubListeners, signOperation, startTestSubgraph, subscribeOverWebSocket, subscribeToSubgraph, TEST_GATEWAY_SECRET, type SubgraphHarness,
} from '@wavegraph/testkit';
import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from './context';
import { subscribeTopic, type SubgraphPubSub } from './pubsub';
import type { SubgraphModule } from './server';

@ObjectType('Ping')
class Ping {
  @Field()
  text: string;

  @Field(() => String, { nullable: true })
  viewerId: string | null;
}

type Services = { pubSub: SubgraphPubSub };

@Resolver()
class PingResolver {
  @Query(() => Boolean)
  alive(): boolean {
    return true;
  }

  @Mutation(() => Boolean)
  async ping(@Arg('channel') channel: string, @Arg('text') text: string, @Ctx() ctx: Context<Services>): Promise<boolean> {
    await ctx.services.pubSub.publish(`PING:${channel}`, { text });
    return true;
  }

  @Subscription(() => Ping, { subscribe: subscribeTopic((args: { channel: string }) => `PING:${args.channel}`) })
  pinged(@Root() event: { text: string }, @Arg('channel') _channel: string, @Ctx() ctx: Context<Services>): Ping {
    if (event.text === 'explode') throw new Error('database password is hunter2');
    return { text: event.text, viewerId: ctx.viewer?.id ?? null };
  }
}

const pings: SubgraphModule<Services> = {
  name: 'pings',
  resolvers: [PingResolver],
  entities: [],
  migrations: [],
  createServices: ({ pubSub }) => ({ pubSub }),
};

const PINGED = 'subscription($c: String!) { pinged(channel: $c) { text viewerId } }';
const PING = 'mutation($c: String!, $t: String!) { ping(channel: $c, text: $t) }';
const alice: Viewer = { id: randomUUID(), role: 'USER', plan: 'FREE' };

describe('subgraph subscriptions (graphql-ws)', () => {
  let h: SubgraphHarness<Services>;
  beforeAll(async () => {
    h = await startTestSubgraph(pings);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const ping = async (channel: string, text: string) => expect((await h.call(PING, { c: channel, t: text })).data).toEqual({ ping: true });

  it('runs each event as the viewer the handshake was signed for', async () => {
    const channel = randomUUID();
    const sub = h.subscribe(PINGED, { c: channel }, alice);
    await pubSubListeners(h.redisPrefix, `PING:${channel}`);
    await ping(channel, 'hello');
    await ping(channel, 'again');
    expect(await sub.received(2)).toEqual([
      { data: { pinged: { text: 'hello', viewerId: alice.id } } },
      { data: { pinged: { text: 'again', viewerId: alice.id } } },
    ]);
    await sub.close();
    expect(await sub.ended).toMatchObject({ completed: true });
  });

  it.each([
    ['unsigned', { signed: false }],
    ['signed with another secret', { secret: 'not-the-gateway-secret' }],
    ['stale', { timestamp: Date.now() - 5 * 60_000 }],
  ])('refuses a %s handshake with 4403 and no data', async (_name, options) => {
    const channel = randomUUID();
    const sub = subscribeToSubgraph(h.running.url, PINGED, { c: channel }, alice, options);
    expect(await sub.ended).toEqual({ completed: false, closeCode: 4403 });
    await ping(channel, 'secret');
    expect(sub.results).toEqual([]);
  });

  describe('binding to the operation', () => {
    const refusedWith = (reason: string) => ({
      completed: false,
      errors: [expect.objectContaining({ message: `Subscriptions must come through the gateway (${reason})`, extensions: { code: 'UNAUTHENTICATED' } })],
    });

    it('refuses a captured subscribe envelope reused for another operation, and runs nothing', async () => {
      const [mine, theirs] = [randomUUID(), randomUUID()];
      const captured = signOperation(PINGED, { c: mine }, alice);
      const sub = subscribeToSubgraph(h.running.url, PINGED, { c: theirs }, alice, { operationEnvelope: captured });
      expect(await sub.ended).toEqual(refusedWith('invalid gateway signature'));
      await ping(theirs, 'private');
      expect(sub.results).toEqual([]);
    });

    it('refuses the same subscribe message replayed, even for its own operation', async () => {
      const channel = randomUUID();
      const captured = signOperation(PINGED, { c: channel }, alice);
      const first = subscribeToSubgraph(h.running.url, PINGED, { c: channel }, alice, { operationEnvelope: captured });
      await pubSubListeners(h.redisPrefix, `PING:${channel}`);
      const replay = subscribeToSubgraph(h.running.url, PINGED, { c: channel }, alice, { operationEnvelope: captured });
      expect(await replay.ended).toEqual(refusedWith('replayed gateway signature'));
      await ping(channel, 'once');
      expect((await first.received(1))[0].data).toEqual({ pinged: { text: 'once', viewerId: alice.id } });
      expect(replay.results).toEqual([]);
      await first.close();
    });

    it('refuses a subscribe message without its envelope or signed for another viewer', async () => {
      const channel = randomUUID();
      const connectionParams = signEnvelope(TEST_GATEWAY_SECRET, { viewer: alice, requestId: 'r', timestamp: Date.now(), body: '' });
      const bare = subscribeOverWebSocket(h.running.url, PINGED, { c: channel }, connectionParams);
      expect(await bare.ended).toEqual(refusedWith('missing gateway signature'));
      const bob: Viewer = { id: randomUUID(), role: 'ADMIN', plan: 'PREMIUM' };
      const borrowed = subscribeToSubgraph(h.running.url, PINGED, { c: channel }, alice, { operationEnvelope: signOperation(PINGED, { c: channel }, bob) });
      expect(await borrowed.ended).toEqual(refusedWith('signed for another viewer'));
    });

    it('closes a replayed handshake with 4403', async () => {
      const channel = randomUUID();
      const handshake = signEnvelope(TEST_GATEWAY_SECRET, { viewer: alice, requestId: 'r', timestamp: Date.now(), body: '' });
      const operation = () => ({ wavegraphEnvelope: signOperation(PINGED, { c: channel }, alice) });
      const first = subscribeOverWebSocket(h.running.url, PINGED, { c: channel }, handshake, operation());
      await pubSubListeners(h.redisPrefix, `PING:${channel}`);
      const replay = subscribeOverWebSocket(h.running.url, PINGED, { c: channel }, handshake, operation());
      expect(await replay.ended).toEqual({ completed: false, closeCode: 4403 });
      await first.close();
    });
  });

  it('masks unexpected errors like HTTP does', async () => {
    const channel = randomUUID();
    const sub = h.subscribe(PINGED, { c: channel }, alice);
    await pubSubListeners(h.redisPrefix, `PING:${channel}`);
    await ping(channel, 'explode');
    const [result] = await sub.received(1);
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(result.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    await sub.close();
  });

  it('reports an invalid operation as the client\'s, without closing the connection', async () => {
    const sub = h.subscribe('subscription { pinged(channel: 1) { nope } }', {}, alice);
    const ended = await sub.ended;
    expect(ended.closeCode).toBeUndefined();
    expect(ended.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    // the connection is still good for the next operation
    const channel = randomUUID();
    const next = h.subscribe(PINGED, { c: channel }, alice);
    await pubSubListeners(h.redisPrefix, `PING:${channel}`);
    await ping(channel, 'still here');
    expect((await next.received(1))[0].data).toEqual({ pinged: { text: 'still here', viewerId: alice.id } });
    await next.close();
  });

  it('ends open subscriptions with an error saying so when the subgraph stops, instead of hanging', async () => {
    const other = await startTestSubgraph(pings);
    const channel = randomUUID();
    const sub = other.subscribe(PINGED, { c: channel }, alice);
    await pubSubListeners(other.redisPrefix, `PING:${channel}`);
    await other.stop();
    expect(await sub.ended).toEqual({
      completed: false,
      errors: [expect.objectContaining({ message: 'This service is shutting down; subscribe again', extensions: { code: 'SERVICE_UNAVAILABLE' } })],
    });
  });
});

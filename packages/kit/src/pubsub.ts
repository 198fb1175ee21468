import { GraphQLError } from 'graphql';
import { RedisPubSub, type RedisConnections } from '@wavegraph/redis';
import type { Context } from './context';
import { Loaders } from './loaders';
import type { Logger } from './logger';
import { BoundedQueue } from '@wavegraph/streams';

/** Events for Subscription fields; whatever one replica publishes reaches subscribers on every replica. */
export interface SubgraphPubSub {
  /** Best effort, after the transaction committed: never rejects, a lost event is only logged. */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Resolves once Redis confirmed the subscription, so nothing published after that is missed. */
  subscribe(topic: string): Promise<AsyncIterableIterator<unknown>>;
  /** Subscribers of this process that hear everything published on the topic from now on. */
  listeners(topic: string): number;
  /** Ends every subscriber with an error saying this instance is going away (they may subscribe again elsewhere). */
  interrupt(): void;
  close(): Promise<void>;
}

/** The Redis channel of a topic: under the deployment's prefix, so test runs and deployments do not hear each other. */
export const pubSubChannel = (redisPrefix: string, topic: string): string => `${redisPrefix}:pubsub:${topic}`;

/** Events a subscriber has not taken yet; beyond this the oldest are dropped (and logged) rather than held. */
export const SUBSCRIBER_BUFFER = 1000;

/**
 * The resolver side of Subscription fields over the Redis transport: each subscriber is a bounded
 * queue, ended with a reason when this instance goes away. The connections come from `redis`,
 * whose owner closes them after `close()`.
 */
export function createRedisPubSub(redis: RedisConnections, redisPrefix: string, log: Logger): SubgraphPubSub {
  const transport = new RedisPubSub<Record<string, unknown>>(
    // publishing gives up after one retry: an event held until Redis returns would be stale
    { publisher: redis.open('command', 'pubsub-publisher'), subscriber: redis.open('subscriber', 'pubsub-subscriber') },
    { channelPrefix: `${redisPrefix}:pubsub`, onUnreadable: (channel, err) => log.warn({ err, channel }, 'unreadable subscription event dropped') },
  );
  const queues = new Set<BoundedQueue<unknown>>();
  const confirmed = new Map<string, Set<BoundedQueue<unknown>>>();

  return {
    publish: async (topic, payload) => {
      try {
        await transport.publish(topic, payload);
      } catch (err) {
        log.warn({ err, topic }, 'subscription event lost');
      }
    },
    subscribe: async (topic) => {
      let stop: (() => Promise<void>) | undefined;
      let ended = false;
      const queue: BoundedQueue<unknown> = new BoundedQueue<unknown>(SUBSCRIBER_BUFFER, {
        onOverflow: (dropped) => log.warn({ topic, dropped }, 'slow subscriber: oldest events dropped'),
        onEnd: () => {
          ended = true;
          queues.delete(queue);
          const listening = confirmed.get(topic);
          // topics come and go (one per asset, per episode): keep none that nobody listens on
          if (listening?.delete(queue) && listening.size === 0) confirmed.delete(topic);
          stop?.().catch((err: unknown) => log.warn({ err, topic }, 'pubsub unsubscribe failed'));
        },
      });
      queues.add(queue);
      try {
        stop = await transport.subscribe(topic, (payload) => queue.push(payload));
      } catch (err) {
        queues.delete(queue);
        throw err;
      }
      // the subscriber left while Redis confirmed: nothing listens any more
      if (ended) await stop();
      else confirmed.set(topic, (confirmed.get(topic) ?? new Set()).add(queue));
      return queue;
    },
    listeners: (topic) => confirmed.get(topic)?.size ?? 0,
    interrupt: () => {
      const goingAway = new GraphQLError('This service is shutting down; subscribe again', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
      for (const queue of [...queues]) queue.end(goingAway);
    },
    close: async () => {
      for (const queue of [...queues]) queue.end();
      await transport.dispose();
    },
  };
}

/**
 * The `subscribe` of a Subscription field: listens on the topic `topic(args, context)` of the pubSub in
 * the operation's context. type-graphql's own `topics` option reads one process-wide pubSub,
 * which goes wrong as soon as two subgraphs share a process (tests, the e2e supergraph).
 */
export function subscribeTopic<A>(topic: (args: A, context: Context<unknown>) => string) {
  return async ({ args, context }: { args: unknown; context: unknown }): Promise<AsyncIterableIterator<unknown>> => {
    const ctx = context as Context<unknown>;
    return withEventLoaders(await ctx.pubSub.subscribe(topic(args as A, ctx)), ctx);
  };
}

const eventLoaders = new WeakMap<object, Map<string, Loaders>>();

/**
 * A subscription's context lives as long as the subscription, but its DataLoaders must not: each
 * event is resolved with fresh ones, so it never sees values cached for an earlier event. They are
 * shared by every subscriber of this process that receives the same event as the same viewer, so
 * 2000 subscribers of one topic cost one batched query per field, not 2000.
 */
export function withEventLoaders(events: AsyncIterableIterator<unknown>, ctx: Context<unknown>): AsyncIterableIterator<unknown> {
  const viewerKey = ctx.viewer ? `${ctx.viewer.id}:${ctx.viewer.role}:${ctx.viewer.plan}` : '';
  const loadersFor = (event: unknown): Loaders => {
    if (typeof event !== 'object' || event === null) return new Loaders();
    const byViewer = eventLoaders.get(event) ?? new Map<string, Loaders>();
    eventLoaders.set(event, byViewer);
    const loaders = byViewer.get(viewerKey) ?? new Loaders();
    byViewer.set(viewerKey, loaders);
    return loaders;
  };
  return {
    next: async () => {
      const result = await events.next();
      if (!result.done) ctx.loaders = loadersFor(result.value);
      return result;
    },
    return: async () => (await events.return?.()) ?? { value: undefined, done: true },
    throw: async (error?: unknown) => (events.throw ? events.throw(error) : Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

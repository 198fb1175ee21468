import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
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

const READY_TIMEOUT_MS = 5000;

/**
 * One subscriber connection per process, each channel subscribed once however many local
 * subscribers listen on it; a message is parsed once and handed to each of them.
 */
export function createRedisPubSub(redisUrl: string, redisPrefix: string, log: Logger): SubgraphPubSub {
  // a connection in subscriber mode can run nothing but (un)subscribe, so publishing needs its own
  // and gives up on a command after one retry: an event held until Redis returns would be stale
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const subscriber = new Redis(redisUrl);
  for (const client of [publisher, subscriber]) client.on('error', (err) => log.warn({ err }, 'pubsub redis error'));
  const listeners = new Map<string, Set<BoundedQueue<unknown>>>();
  const confirmed = new WeakSet<BoundedQueue<unknown>>();
  // A SUBSCRIBE sent while ioredis is still connecting can be acknowledged without the server
  // ever registering it (seen under load): subscribe only on a ready connection. ioredis then
  // subscribes again by itself after a reconnect.
  const ready = () =>
    subscriber.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            subscriber.off('ready', onReady);
            reject(new Error('live updates are unavailable: Redis is not reachable'));
          }, READY_TIMEOUT_MS);
          const onReady = () => {
            clearTimeout(timer);
            resolve();
          };
          subscriber.once('ready', onReady);
        });

  subscriber.on('message', (channel: string, message: string) => {
    const queues = listeners.get(channel);
    if (!queues?.size) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch (err) {
      log.warn({ err, channel }, 'unreadable subscription event dropped');
      return;
    }
    for (const queue of queues) queue.push(payload);
  });

  const leave = (channel: string, queue: BoundedQueue<unknown>) => {
    const queues = listeners.get(channel);
    if (!queues?.delete(queue) || queues.size > 0) return;
    listeners.delete(channel);
    // commands on one connection run in order, so a later SUBSCRIBE to the same channel still wins
    subscriber.unsubscribe(channel).catch((err) => log.warn({ err, channel }, 'pubsub unsubscribe failed'));
  };

  return {
    publish: async (topic, payload) => {
      try {
        await publisher.publish(pubSubChannel(redisPrefix, topic), JSON.stringify(payload ?? null));
      } catch (err) {
        log.warn({ err, topic }, 'subscription event lost');
      }
    },
    subscribe: async (topic) => {
      const channel = pubSubChannel(redisPrefix, topic);
      const queue = new BoundedQueue<unknown>(SUBSCRIBER_BUFFER, {
        onOverflow: (dropped) => log.warn({ channel, dropped }, 'slow subscriber: oldest events dropped'),
        onEnd: () => leave(channel, queue),
      });
      const queues = listeners.get(channel) ?? new Set();
      listeners.set(channel, queues.add(queue));
      try {
        await ready();
        await subscriber.subscribe(channel);
        confirmed.add(queue);
      } catch (err) {
        leave(channel, queue);
        throw err;
      }
      return queue;
    },
    listeners: (topic) => [...(listeners.get(pubSubChannel(redisPrefix, topic)) ?? [])].filter((queue) => confirmed.has(queue)).length,
    interrupt: () => {
      const goingAway = new GraphQLError('This service is shutting down; subscribe again', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
      for (const queues of [...listeners.values()]) for (const queue of [...queues]) queue.end(goingAway);
    },
    close: async () => {
      for (const queues of [...listeners.values()]) for (const queue of [...queues]) queue.end();
      // quit would wait for a connection that may never come back
      await Promise.all([publisher, subscriber].map((client) => (client.status === 'ready' ? client.quit() : client.disconnect())));
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

import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';
import Redis from 'ioredis';
import type { PubSub } from 'type-graphql';
import type { Logger } from './logger';

/** Events for Subscription fields; whatever one replica publishes reaches subscribers on every replica. */
export interface SubgraphPubSub extends PubSub {
  /** Best effort, after the transaction committed: never rejects, a lost event is only logged. */
  publish(topic: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

/** The Redis channel of a topic: under the deployment's prefix, so test runs and deployments do not hear each other. */
export const pubSubChannel = (redisPrefix: string, topic: string): string => `${redisPrefix}:pubsub:${topic}`;

export function createRedisPubSub(redisUrl: string, redisPrefix: string, log: Logger): SubgraphPubSub {
  // a connection in subscriber mode can run nothing but (un)subscribe, so publishing needs its own
  const publishClient = new Redis(redisUrl);
  const subscribeClient = new Redis(redisUrl);
  for (const client of [publishClient, subscribeClient]) client.on('error', (err) => log.warn({ err }, 'pubsub redis error'));
  const local = createPubSub<Record<string, [unknown]>>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });

  return {
    // published here rather than through `local.publish`, whose Redis call would reject unhandled when Redis is down
    publish: async (topic, payload) => {
      try {
        await publishClient.publish(pubSubChannel(redisPrefix, topic), JSON.stringify(payload ?? null));
      } catch (err) {
        log.warn({ err, topic }, 'subscription event lost');
      }
    },
    // type-graphql passes `topicId` as the second argument; it narrows the topic like yoga's own ids
    subscribe: (topic: string, id?: unknown) =>
      local.subscribe(pubSubChannel(redisPrefix, id === undefined ? topic : `${topic}:${String(id)}`)),
    close: async () => {
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

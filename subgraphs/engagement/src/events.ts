import { EventConsumer, OutboxRelay } from '@wavegraph/events';
import type { ServiceDeps } from '@wavegraph/kit';
import Redis from 'ioredis';
import { catalogHandlers } from './known/known.handlers';

/**
 * Engagement on the event backbone: the relay sends what our transactions recorded in the
 * outbox; the consumer applies catalog's events to known_shows / known_episodes.
 */
export class EngagementEvents {
  readonly relay: OutboxRelay;
  readonly consumer: EventConsumer;
  private readonly redis: Redis;

  constructor({ db, log, redisUrl, redisPrefix }: ServiceDeps) {
    const dataSource = db.dataSource;
    this.relay = new OutboxRelay({ dataSource, redisUrl, prefix: redisPrefix, producer: 'engagement', log });
    this.consumer = new EventConsumer({
      dataSource,
      redisUrl,
      prefix: redisPrefix,
      group: 'engagement',
      producers: ['catalog'],
      handlers: catalogHandlers,
      log,
    });
    // only for readiness; fails fast instead of queueing while Redis is away
    this.redis = new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2000 });
    this.redis.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.relay.start();
  }

  async ping(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
    await this.redis.ping();
  }

  /** Stops taking new work, then lets the current relay round and handler finish. */
  async stop(): Promise<void> {
    await Promise.all([this.relay.stop(), this.consumer.stop()]);
    this.redis.disconnect();
  }
}

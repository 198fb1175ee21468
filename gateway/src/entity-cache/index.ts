import type { Logger } from 'pino';
import type { Redis, RedisConnections } from '@wavegraph/redis';
import { EntityCache } from './entity-cache';
import { NatsPurgeListener } from './nats-purge-listener';
import { PurgeListener } from './purge-listener';
import { RedisTier } from './redis-tier';
import type { EntityCacheSettings } from './settings';

export { EntityCache, type EntityCacheStats } from './entity-cache';
export { DEFAULT_ENTITY_CACHE, type EntityCacheSettings } from './settings';

export interface RunningEntityCache {
  cache: EntityCache;
  stop(): Promise<void>;
}

/**
 * The entity cache with its Redis level on the gateway's connection (`redis`) and its purges
 * read from the events on a connection of its own: the Redis streams (a blocking XREAD would
 * hold the shared connection) or, when the events travel on JetStream, the NATS subjects.
 * Resolves once the events are being followed, so nothing cached can miss a later event.
 */
export async function startEntityCache(settings: EntityCacheSettings, redis: Redis, connections: RedisConnections, prefix: string, log: Logger): Promise<RunningEntityCache> {
  const cache = new EntityCache(settings, settings.redis ? new RedisTier(redis, prefix, settings.redisTimeoutMs) : null);
  if (settings.eventsTransport === 'nats') {
    const listener = new NatsPurgeListener(settings.natsUrl, cache, prefix, log);
    await listener.start();
    return { cache, stop: () => listener.stop() };
  }
  // stop() drops it to end a blocked XREAD; the gateway closes its connections after that
  const reader = connections.open('blocking', 'entity-cache-purges');
  const listener = new PurgeListener(reader, cache, prefix, log);
  await listener.start();
  return { cache, stop: () => listener.stop() };
}

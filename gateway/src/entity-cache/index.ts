import type { Logger } from 'pino';
import type { Redis, RedisConnections } from '@wavegraph/redis';
import { EntityCache } from './entity-cache';
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
 * read from the event streams on a connection of its own (a blocking XREAD would hold the shared
 * one). Resolves once the streams are being followed, so nothing cached can miss a later event.
 */
export async function startEntityCache(settings: EntityCacheSettings, redis: Redis, connections: RedisConnections, prefix: string, log: Logger): Promise<RunningEntityCache> {
  const cache = new EntityCache(settings, settings.redis ? new RedisTier(redis, prefix, settings.redisTimeoutMs) : null);
  // stop() drops it to end a blocked XREAD; the gateway closes its connections after that
  const reader = connections.open('blocking', 'entity-cache-purges');
  const listener = new PurgeListener(reader, cache, prefix, log);
  await listener.start();
  return { cache, stop: () => listener.stop() };
}

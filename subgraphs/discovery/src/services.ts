import { EventBackbone } from '@wavegraph/events';
import type { Context, Redis, ServiceDeps } from '@wavegraph/kit';
import { BrowseService } from './browse/browse.service';
import { QueryCache } from './cache/query-cache';
import { DISCOVERY_GROUP, DISCOVERY_PRODUCERS, discoveryHandlers, scopesOf } from './projection/projection';
import { rebuildProjections, type RebuildResult } from './projection/rebuild';
import { SearchService } from './search/search.service';
import { SimilarService } from './similar/similar.service';
import { TrendingService } from './trending/trending.service';

export interface DiscoveryServices {
  search: SearchService;
  trending: TrendingService;
  browse: BrowseService;
  similar: SimilarService;
  cache: QueryCache;
  events: EventBackbone;
  redis: Redis;
  /** Rebuilds every projection by replaying the streams (the CLI does the same without a server). */
  /** From the producers' durable logs by default; `streams` replays what Redis still holds. */
  rebuild(from?: 'logs' | 'streams'): Promise<RebuildResult>;
}

export type DiscoveryContext = Context<DiscoveryServices>;

export async function createDiscoveryServices({ db, log, redis: connections, redisPrefix, metrics }: ServiceDeps): Promise<DiscoveryServices> {
  const { dataSource } = db;
  // fail fast rather than queue while Redis is away: the cache falls back to Postgres
  const redis = connections.open('failFast', 'query-cache', { lazyConnect: true });
  await redis.connect();
  const cache = new QueryCache(redis, redisPrefix, log);
  const events = await EventBackbone.start({
    dataSource,
    metrics,
    redis: connections,
    prefix: redisPrefix,
    log,
    consumes: { group: DISCOVERY_GROUP, producers: DISCOVERY_PRODUCERS, handlers: discoveryHandlers, afterApply: (applied) => cache.invalidate(scopesOf(applied)) },
  });
  return {
    search: new SearchService(dataSource),
    trending: new TrendingService(dataSource),
    browse: new BrowseService(dataSource),
    similar: new SimilarService(dataSource),
    cache,
    events,
    redis,
    rebuild: (from = 'logs') => rebuildProjections({ dataSource, redis, prefix: redisPrefix, log, cache, from: from === 'streams' ? 'streams' : { logs: events.logs! } }),
  };
}

export async function stopDiscoveryServices(services: DiscoveryServices): Promise<void> {
  // the kit closes the Redis connections after this
  await services.events.stop();
}

import { EventBackbone } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import { EpisodeImport } from './episode/episode.import';
import { EpisodeService } from './episode/episode.service';
import { EpisodeWorkflow } from './episode/episode.workflow';
import { FeedCache } from './feed/feed.cache';
import { feedConfigFromEnv, type FeedConfig } from './feed/feed.config';
import { FEEDS_GROUP, FEEDS_PRODUCERS, feedHandlers, TouchedFeeds } from './feed/feed.media';
import { FeedService } from './feed/feed.service';
import { privateFeedHandlers } from './private-feed/private-feed.handlers';
import { PrivateFeedService } from './private-feed/private-feed.service';
import { PublishQueue } from './publishing/publish.queue';
import { ShowService } from './show/show.service';

export interface CatalogServices {
  shows: ShowService;
  episodes: EpisodeService;
  imports: EpisodeImport;
  workflow: EpisodeWorkflow;
  publishing: PublishQueue;
  feeds: FeedService;
  privateFeeds: PrivateFeedService;
  events: EventBackbone;
}

export type CatalogContext = Context<CatalogServices>;

export interface CatalogOptions {
  /** Where feeds and the media they point at are reached (default: feedConfigFromEnv). */
  feeds?: () => FeedConfig;
}

export async function createCatalogServices({ db, log, redis, redisPrefix, metrics }: ServiceDeps, options: CatalogOptions = {}): Promise<CatalogServices> {
  const config = (options.feeds ?? feedConfigFromEnv)();
  const shows = new ShowService(db.dataSource, config);
  const publishing = new PublishQueue(redis, redisPrefix);
  // fail fast rather than queue while Redis is away: feeds are then rendered from Postgres
  const cacheRedis = redis.open('failFast', 'feed-cache', { lazyConnect: true });
  await cacheRedis.connect().catch((err: unknown) => log.warn({ err }, 'feed cache unavailable at start'));
  const touched = new TouchedFeeds();
  const privateFeeds = new PrivateFeedService(db.dataSource, shows, config);
  const feeds = new FeedService(db.dataSource, shows, new FeedCache(cacheRedis, redisPrefix, config.cacheTtlSeconds, log), config, touched, log, privateFeeds);
  const events = await EventBackbone.start({
    dataSource: db.dataSource,
    redis,
    prefix: redisPrefix,
    log,
    produces: 'catalog',
    metrics,
    // identity: a listener leaving PREMIUM loses their private feeds
    consumes: {
      group: FEEDS_GROUP,
      producers: [...FEEDS_PRODUCERS, 'identity'],
      handlers: [...feedHandlers(touched), ...privateFeedHandlers(privateFeeds)],
      afterApply: (applied) => feeds.invalidateAfter(applied),
    },
  });
  const episodes = new EpisodeService(db.dataSource, shows);
  return {
    events,
    shows,
    episodes,
    imports: new EpisodeImport(db.dataSource, episodes),
    workflow: new EpisodeWorkflow(db.dataSource, publishing),
    publishing,
    feeds,
    privateFeeds,
  };
}

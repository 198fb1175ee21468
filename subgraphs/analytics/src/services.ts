import { EventBackbone, KnownEpisodeReader, knownEpisodeHandlers, knownShowHandlers, type EventHandler, type Producer } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import { downloadHandlers } from './ingest/download.rules';
import { durationHandlers } from './ingest/duration.handlers';
import { AnalyticsFlusher } from './ingest/flusher';
import { watchPendingQueue } from './ingest/pending.metrics';
import { listeningHandlers } from './ingest/listening.rules';
import { CatalogFacts } from './report/catalog.facts';
import { ReportService } from './report/report.service';
import { RecommendationService } from './recommendation/recommendation.service';
import type { AnalyticsStore } from './store/analytics.store';
import { ClickHouseStore } from './store/clickhouse.store';
import { clickHouseSettingsFromEnv, flushOptionsFromEnv } from './store/store.settings';

export const ANALYTICS_GROUP = 'analytics';
export const ANALYTICS_PRODUCERS: readonly Producer[] = ['catalog', 'engagement', 'media'];
export const ANALYTICS_HANDLERS: readonly EventHandler[] = [...knownShowHandlers, ...knownEpisodeHandlers, ...durationHandlers, ...listeningHandlers, ...downloadHandlers];

export interface AnalyticsServices {
  store: AnalyticsStore;
  flusher: AnalyticsFlusher;
  catalog: CatalogFacts;
  reports: ReportService;
  recommendations: RecommendationService;
  events: EventBackbone;
  knownEpisodes: KnownEpisodeReader;
  /** Stops reporting analytics_pending to Prometheus. */
  unwatchPending: () => void;
}

export type AnalyticsContext = Context<AnalyticsServices>;

export async function createAnalyticsServices({ db, log, redis, redisPrefix, metrics }: ServiceDeps): Promise<AnalyticsServices> {
  const { dataSource } = db;
  const store = new ClickHouseStore(clickHouseSettingsFromEnv(String((dataSource.options as { url?: string }).url ?? '')));
  // the tables exist before the first event is applied; a store that is away fails the start
  await store.prepare();
  const flusher = new AnalyticsFlusher(dataSource, store, flushOptionsFromEnv(), log);
  const events = await EventBackbone.start({
    dataSource,
    metrics,
    redis,
    prefix: redisPrefix,
    log,
    consumes: {
      group: ANALYTICS_GROUP,
      producers: ANALYTICS_PRODUCERS,
      handlers: ANALYTICS_HANDLERS,
      afterApply: (applied) => flusher.noteQueued(applied.length),
    },
  });
  flusher.start();
  const unwatchPending = watchPendingQueue(dataSource, metrics);
  const catalog = new CatalogFacts(dataSource);
  return {
    store,
    flusher,
    catalog,
    reports: new ReportService(store, catalog),
    recommendations: new RecommendationService(store, catalog),
    events,
    knownEpisodes: new KnownEpisodeReader(dataSource),
    unwatchPending,
  };
}

export async function stopAnalyticsServices(services: AnalyticsServices): Promise<void> {
  services.unwatchPending();
  await services.events.stop();
  // what the last events queued goes out before the process does
  await services.flusher.flushAll().catch(() => undefined);
  await services.flusher.stop();
  await services.store.close();
}

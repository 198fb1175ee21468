import type { Registry } from 'prom-client';
import { ScrapedGauges } from './scraped';

/**
 * Analytics' queue to ClickHouse (analytics_pending), read at each scrape: rows applied from events
 * that the flusher has not written yet, and how long the oldest has waited. Both grow while
 * ClickHouse is unreachable (rows wait in Postgres, nothing is lost) and fall once it answers.
 * Every replica reads the one shared table, so alerts take the max.
 */
export function analyticsQueueGauges(registry: Registry) {
  return ScrapedGauges.of(registry, 'analytics_pending', {
    rows: { name: 'wavegraph_analytics_pending_rows', help: 'Rows waiting in analytics_pending to be written to ClickHouse', labelNames: [] },
    oldestAge: {
      name: 'wavegraph_analytics_pending_oldest_age_seconds',
      help: 'Age of the oldest row waiting in analytics_pending (0 when none waits)',
      labelNames: [],
    },
  });
}

import { analyticsQueueGauges, type Registry } from '@wavegraph/metrics';
import type { DataSource } from 'typeorm';

// seq grows with every insert, so the oldest row is the first by the primary key (no scan for it)
const QUEUE = `
  SELECT (SELECT count(*)::int FROM analytics_pending) AS rows,
    COALESCE((SELECT EXTRACT(EPOCH FROM now() - queued_at)::float8 FROM analytics_pending ORDER BY seq LIMIT 1), 0) AS age`;

/**
 * Reports the queue to ClickHouse at each scrape, whether or not this process's flusher runs (a
 * replica reads the queue the others share). Returns what stops it.
 */
export function watchPendingQueue(dataSource: DataSource, metrics: Registry): () => void {
  return analyticsQueueGauges(metrics).watch(async () => {
    const [row] = (await dataSource.query(QUEUE)) as { rows: number; age: number }[];
    return [{ labels: {}, values: { rows: row.rows, oldestAge: Math.max(0, row.age) } }];
  });
}

import { envInt, envString } from '@wavegraph/kit';
import type { FlushOptions } from '../ingest/flusher';
import type { ClickHouseSettings } from './clickhouse.store';

/**
 * ANALYTICS_CLICKHOUSE_URL (default http://127.0.0.1:8123), ANALYTICS_CLICKHOUSE_DATABASE
 * (default: the name of the subgraph's Postgres database, wavegraph_analytics, so a test's fresh
 * Postgres database comes with a fresh ClickHouse database of the same name),
 * ANALYTICS_CLICKHOUSE_USER (default `default`) and ANALYTICS_CLICKHOUSE_PASSWORD (default empty).
 */
export function clickHouseSettingsFromEnv(databaseUrl: string): ClickHouseSettings {
  const pgName = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'wavegraph_analytics';
  return {
    url: envString('ANALYTICS_CLICKHOUSE_URL', 'http://127.0.0.1:8123').replace(/\/$/, ''),
    database: envString('ANALYTICS_CLICKHOUSE_DATABASE', pgName),
    username: envString('ANALYTICS_CLICKHOUSE_USER', 'default'),
    password: process.env.ANALYTICS_CLICKHOUSE_PASSWORD ?? '',
    requestTimeoutMs: envInt('ANALYTICS_CLICKHOUSE_TIMEOUT_MS', 30_000),
  };
}

export function flushOptionsFromEnv(): FlushOptions {
  const batchRows = envInt('ANALYTICS_FLUSH_ROWS', 5000);
  const intervalMs = envInt('ANALYTICS_FLUSH_MS', 1000);
  if (batchRows < 1 || batchRows > 100_000) throw new Error('ANALYTICS_FLUSH_ROWS must be between 1 and 100000');
  if (intervalMs < 10) throw new Error('ANALYTICS_FLUSH_MS must be at least 10');
  return { batchRows, intervalMs };
}

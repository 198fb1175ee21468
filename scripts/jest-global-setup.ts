import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropStaleTestDatabases } from '../packages/testkit/src/database';
// CommonJS shared with the dev command (scripts/up.mjs)
const { startClickHouse } = require('./clickhouse.cjs') as {
  startClickHouse(options: { dir: string }): Promise<{ url: string; stop(options?: { discard?: boolean }): Promise<void> }>;
};

/**
 * Each suite creates and drops its own databases; this clears what runs that died left behind.
 * Then it starts the run's ClickHouse (analytics' store) in a temporary directory on a free port,
 * unless TEST_CLICKHOUSE_URL names one already; every spec gets a fresh database on it (named
 * after the spec's fresh Postgres database). The test
 * workers start after this, so they inherit TEST_CLICKHOUSE_URL; the teardown stops the server.
 */
export default async function globalSetup(): Promise<void> {
  await dropStaleTestDatabases();
  if (process.env.TEST_CLICKHOUSE_URL) {
    process.env.ANALYTICS_CLICKHOUSE_URL = process.env.TEST_CLICKHOUSE_URL;
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'wgtest-clickhouse-'));
  const server = await startClickHouse({ dir });
  process.env.TEST_CLICKHOUSE_URL = server.url;
  // what the analytics subgraph reads; its database is named after its fresh Postgres database
  process.env.ANALYTICS_CLICKHOUSE_URL = server.url;
  // its data goes with the run: no need to wait for a graceful shutdown
  (globalThis as { wavegraphClickHouse?: { stop(): Promise<void>; dir: string } }).wavegraphClickHouse = { stop: () => server.stop({ discard: true }), dir };
}

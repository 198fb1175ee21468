import { ClickHouseStore } from './store/clickhouse.store';
import { clickHouseSettingsFromEnv } from './store/store.settings';

export { analyticsModule } from './analytics.module';
export type { AnalyticsServices } from './services';

/** Drops the ClickHouse database that belongs with the analytics Postgres database at `databaseUrl` (tests). */
export async function dropAnalyticsStore(databaseUrl: string): Promise<void> {
  const store = new ClickHouseStore(clickHouseSettingsFromEnv(databaseUrl));
  try {
    await store.drop();
  } finally {
    await store.close();
  }
}

import { randomUUID } from 'node:crypto';
import { createLogger } from '@wavegraph/kit';
import { eventually, freePort } from '@wavegraph/testkit';
import { ClickHouseStore } from '../store/clickhouse.store';
import { applied, download, ipHash, startAnalytics, type AnalyticsHarness } from '../testing/harness';
import { AnalyticsFlusher } from './flusher';
import { revive } from './pending';

const APPLE = 'Podcasts/1650.20 CFNetwork/1404.0.5 Darwin/22.3.0';

describe('the flush to ClickHouse', () => {
  let h: AnalyticsHarness;
  beforeAll(async () => {
    h = await startAnalytics();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('keeps applied events in Postgres while ClickHouse is away, and writes them once it answers, each once', async () => {
    // the subgraph's own flusher stays out of the way: the test moves the queue itself
    await h.running.services.flusher.stop();
    const episodeId = randomUUID();
    const day = '2026-04-01';
    for (const hour of ['08', '09', '10']) await download(h, episodeId, ipHash(hour), APPLE, `${day}T${hour}:00:00.000Z`);
    await applied(h);
    expect(await h.count('analytics_pending')).toBe(3);

    const away = new ClickHouseStore({ url: `http://127.0.0.1:${await freePort()}`, database: 'nowhere', requestTimeoutMs: 2_000 });
    const log = createLogger('analytics-test');
    const failing = new AnalyticsFlusher(h.running.db.dataSource, away, { batchRows: 2, intervalMs: 50 }, log);
    await expect(failing.flushAll()).rejects.toThrow();
    await away.close();
    expect(await h.count('analytics_pending')).toBe(3);
    // as if an earlier attempt had written one of them before dying: the retry must not count it again
    const [first]: { kind: string; row: Record<string, unknown>; attempts: number }[] = await h.running.db.dataSource.query(
      'SELECT kind, row, attempts FROM analytics_pending ORDER BY seq LIMIT 1',
    );
    expect(first.attempts).toBe(1);
    const written = revive(first.kind, first.row);
    if (written.kind !== 'download') throw new Error('expected a download');
    await h.store.insertDownloads([written.row], { fresh: true });

    // batches of two: the whole queue goes, in two inserts
    const working = new AnalyticsFlusher(h.running.db.dataSource, h.store, { batchRows: 2, intervalMs: 50 }, log);
    expect(await working.flushAll()).toBe(3);
    expect(await h.count('analytics_pending')).toBe(0);
    expect((await h.store.totals({ episodeIds: [episodeId], fromDay: day, toDay: day })).downloads).toBe(3);
  });

  it('reports the queued rows and the age of the oldest to Prometheus: they rise while ClickHouse is away and fall once it answers', async () => {
    await h.running.services.flusher.stop();
    const gauge = async (name: string): Promise<number | undefined> => (await h.running.metrics.getSingleMetric(name)?.get())?.values[0]?.value;
    const queue = async () => ({ rows: await gauge('wavegraph_analytics_pending_rows'), age: await gauge('wavegraph_analytics_pending_oldest_age_seconds') });
    expect(await h.count('analytics_pending')).toBe(0);
    expect(await queue()).toEqual({ rows: 0, age: 0 });

    const episodeId = randomUUID();
    for (const hour of ['11', '12']) await download(h, episodeId, ipHash(`a${hour}`), APPLE, `2026-04-02T${hour}:00:00.000Z`);
    await applied(h);
    const away = new ClickHouseStore({ url: `http://127.0.0.1:${await freePort()}`, database: 'nowhere', requestTimeoutMs: 2_000 });
    const log = createLogger('analytics-test');
    await expect(new AnalyticsFlusher(h.running.db.dataSource, away, { batchRows: 10, intervalMs: 50 }, log).flushAll()).rejects.toThrow();
    await away.close();
    // the rows wait, and the oldest grows older with every scrape until ClickHouse answers
    await eventually(async () => (await gauge('wavegraph_analytics_pending_rows')) === 2);
    await eventually(async () => ((await gauge('wavegraph_analytics_pending_oldest_age_seconds')) ?? 0) >= 1);

    expect(await new AnalyticsFlusher(h.running.db.dataSource, h.store, { batchRows: 10, intervalMs: 50 }, log).flushAll()).toBe(2);
    await eventually(async () => {
      const now = await queue();
      return now.rows === 0 && now.age === 0;
    });
    expect(await h.running.metrics.metrics()).toMatch(/^wavegraph_analytics_pending_rows\{[^}]*\} 0$/m);
  });
});

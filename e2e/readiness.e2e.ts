import path from 'node:path';
import { catalogModule } from '@wavegraph/catalog';
import { startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import {
  eventually, freePort, freshRedisPrefix, startPrivatePostgres, startPrivateRedis, startWorkerProcess, TEST_GATEWAY_SECRET,
  type PrivatePostgres, type PrivateRedis, type WorkerProcess,
} from '@wavegraph/testkit';

/*
 * /ready tells the truth about dependencies: with a Redis and a Postgres of this test alone,
 * stopping either makes the catalog subgraph and the catalog-worker process unready (naming the
 * check that failed) within seconds, and starting it again makes them ready again, while
 * /health stays 200 throughout.
 */
const WORKER_ENTRY = path.resolve(__dirname, '../subgraphs/catalog/dist/worker.js');

interface Probe {
  status: number;
  checks: Record<string, string>;
}

async function probe(url: string): Promise<Probe> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { checks?: Record<string, string> };
  return { status: response.status, checks: body.checks ?? {} };
}

describe('readiness follows Redis and Postgres going away and coming back', () => {
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;
  let subgraph: RunningSubgraph<unknown>;
  let worker: WorkerProcess;
  let subgraphOrigin: string;
  let workerMetricsUrl: string;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
    await postgres.createDatabase('wg_met_catalog');
    const prefix = freshRedisPrefix();
    subgraph = (await startSubgraph(catalogModule, {
      port: 0, databaseUrl: postgres.url('wg_met_catalog'), redisUrl: redis.url, redisPrefix: prefix, gatewaySecret: TEST_GATEWAY_SECRET,
    })) as RunningSubgraph<unknown>;
    subgraphOrigin = subgraph.url.replace('/graphql', '');
    const [port, metricsPort] = [await freePort(), await freePort()];
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    worker = await startWorkerProcess(WORKER_ENTRY, port, {
      CATALOG_DATABASE_URL: postgres.url('wg_met_catalog'), REDIS_URL: redis.url, REDIS_PREFIX: prefix,
      CATALOG_WORKER_PORT: String(port), CATALOG_WORKER_METRICS_PORT: String(metricsPort),
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await subgraph?.stop().catch(() => undefined);
    await redis?.destroy();
    await postgres?.destroy();
  }, 60_000);

  const both = () => Promise.all([probe(`${subgraphOrigin}/ready`), probe(`${worker.origin}/ready`)]);
  const healthy = async () => {
    expect((await fetch(`${subgraphOrigin}/health`)).status).toBe(200);
    expect((await worker.get('/health')).status).toBe(200);
  };

  it('is ready with both up', async () => {
    const [sub, work] = await eventually(async () => {
      const probes = await both();
      // reconciliation's first round (at start) found nothing missing
      if (probes.some((p) => p.status !== 200) || probes[1].checks.reconcile !== 'ok') throw new Error(JSON.stringify(probes));
      return probes;
    }, 10_000, 200);
    expect(sub.checks).toEqual({ database: 'ok', redis: 'ok', catalog: 'ok' });
    expect(work.checks).toEqual({ redis: 'ok', postgres: 'ok', worker: 'ok', reconcile: 'ok' });
  });

  it('is unready without Redis, naming it, and ready again once it is back', async () => {
    await redis.stop();
    const [sub, work] = await eventually(async () => {
      const probes = await both();
      return probes.every((p) => p.status === 503) && probes;
    }, 15_000, 200);
    expect(sub.checks.redis).not.toBe('ok');
    expect(sub.checks.database).toBe('ok');
    expect(work.checks.redis).not.toBe('ok');
    expect(work.checks.postgres).toBe('ok');
    await healthy();
    // a scrape does not hang on the missing Redis: the queue's counts are left out, the rest answers
    const started = Date.now();
    const scrape = await fetch(workerMetricsUrl);
    expect(scrape.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await scrape.text()).toContain('nodejs_eventloop_lag_seconds{service="catalog-worker"}');

    await redis.start();
    await eventually(async () => (await both()).every((p) => p.status === 200), 30_000, 250);
  }, 60_000);

  it('is unready without Postgres, naming it, and ready again once it is back', async () => {
    await postgres.stop();
    const [sub, work] = await eventually(async () => {
      const probes = await both();
      return probes.every((p) => p.status === 503) && probes;
    }, 15_000, 200);
    expect(sub.checks.database).not.toBe('ok');
    expect(sub.checks.redis).toBe('ok');
    expect(work.checks.postgres).not.toBe('ok');
    expect(work.checks.redis).toBe('ok');
    await healthy();

    await postgres.start();
    await eventually(async () => (await both()).every((p) => p.status === 200), 30_000, 250);
  }, 60_000);
});

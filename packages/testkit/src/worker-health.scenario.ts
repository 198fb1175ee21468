import { createLogger, openDatabase, type DatabaseOptions } from '@wavegraph/kit';
import { eventually } from './eventually';
import { freePort } from './ports';
import { freshDatabase, type TestDatabase } from './database';
import { dropRedisPrefix, freshRedisPrefix, TEST_REDIS_URL } from './redis';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

export interface WorkerHealthScenario {
  /** The subgraph the worker belongs to: its database variable is `<CONTEXT>_DATABASE_URL`. */
  context: string;
  /** The name the worker reports, e.g. `catalog-worker`. */
  service: string;
  /** The built entry point (dist/worker.js). */
  entry: string;
  /** The variable naming its health port, e.g. `CATALOG_WORKER_PORT`. */
  portVariable: string;
  /** The subgraph's migrations: the subgraph creates the tables its worker reads (and reconciles). */
  migrations: DatabaseOptions['migrations'];
}

/** The behaviour every BullMQ worker process shares: /health, a /ready that names what failed, a clean SIGTERM. */
export function describeWorkerHealth({ context, service, entry, portVariable, migrations }: WorkerHealthScenario): void {
  describe(`the ${service} process`, () => {
    let database: TestDatabase;
    let worker: WorkerProcess;
    let metricsUrl: string;
    const prefix = freshRedisPrefix();
    beforeAll(async () => {
      database = await freshDatabase(`${context}_worker`);
      const { dataSource } = await openDatabase({ url: database.url, entities: [], migrations, logger: createLogger(`${service}-scenario`) });
      await dataSource.destroy();
      const [port, metricsPort] = [await freePort(), await freePort()];
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      worker = await startWorkerProcess(entry, port, {
        [`${context.toUpperCase()}_DATABASE_URL`]: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, [portVariable]: String(port),
        [portVariable.replace(/_PORT$/, '_METRICS_PORT')]: String(metricsPort),
      });
    });
    afterAll(async () => {
      await worker?.stop();
      await database?.drop();
      await dropRedisPrefix(prefix);
    });

    it(`serves /health and /ready on ${portVariable}, ready with Redis, Postgres and the worker running`, async () => {
      expect(await worker.get('/health')).toEqual({ status: 200, body: { status: 'ok', service } });
      // reconciliation's first round runs as the worker starts: ready all along, ok once it found nothing missing
      expect(await worker.get('/ready')).toMatchObject({ status: 200, body: { status: 'ready', service, checks: { redis: 'ok', postgres: 'ok', worker: 'ok' } } });
      const ready = await eventually(async () => {
        const probe = await worker.get('/ready');
        return (probe.body.checks as Record<string, string>).reconcile === 'ok' && probe;
      }, 5_000, 100);
      expect(ready).toEqual({ status: 200, body: { status: 'ready', service, checks: { redis: 'ok', postgres: 'ok', worker: 'ok', reconcile: 'ok' } } });
    });

    it(`serves its metrics on ${portVariable.replace(/_PORT$/, '_METRICS_PORT')}: its queue's job counts and Node's own`, async () => {
      const response = await fetch(metricsUrl);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(new RegExp(`wavegraph_queue_jobs\\{queue="[a-z-]+",state="waiting",service="${service}"\\} \\d+`));
      expect(text).toContain(`nodejs_heap_size_used_bytes{service="${service}"}`);
    });

    it('answers 503 naming Postgres once its database is gone, and exits cleanly on SIGTERM', async () => {
      await database.drop();
      // one round of checks answers probes for a second: the drop shows at the next round
      const ready = await eventually(async () => {
        const probe = await worker.get('/ready');
        return probe.status === 503 && probe;
      }, 5_000, 100);
      expect(ready.body).toMatchObject({ status: 'unavailable', checks: { redis: 'ok', worker: 'ok' } });
      expect((ready.body.checks as Record<string, string>).postgres).not.toBe('ok');
      expect(await worker.stop()).toBe(0);
    });
  });
}

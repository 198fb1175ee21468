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
}

/** The behaviour every BullMQ worker process shares: /health, a /ready that names what failed, a clean SIGTERM. */
export function describeWorkerHealth({ context, service, entry, portVariable }: WorkerHealthScenario): void {
  describe(`the ${service} process`, () => {
    let database: TestDatabase;
    let worker: WorkerProcess;
    const prefix = freshRedisPrefix();
    beforeAll(async () => {
      database = await freshDatabase(`${context}_worker`);
      const port = await freePort();
      worker = await startWorkerProcess(entry, port, {
        [`${context.toUpperCase()}_DATABASE_URL`]: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, [portVariable]: String(port),
      });
    });
    afterAll(async () => {
      await worker?.stop();
      await database?.drop();
      await dropRedisPrefix(prefix);
    });

    it(`serves /health and /ready on ${portVariable}, ready with Redis, Postgres and the worker running`, async () => {
      expect(await worker.get('/health')).toEqual({ status: 200, body: { status: 'ok', service } });
      expect(await worker.get('/ready')).toEqual({ status: 200, body: { status: 'ready', service, checks: { redis: 'ok', postgres: 'ok', worker: 'ok' } } });
    });

    it('answers 503 naming Postgres once its database is gone, and exits cleanly on SIGTERM', async () => {
      await database.drop();
      const ready = await worker.get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', checks: { redis: 'ok', worker: 'ok' } });
      expect((ready.body.checks as Record<string, string>).postgres).not.toBe('ok');
      expect(await worker.stop()).toBe(0);
    });
  });
}

import path from 'node:path';
import { dropRedisPrefix, freePort, freshDatabase, freshRedisPrefix, startWorkerProcess, TEST_REDIS_URL, type TestDatabase, type WorkerProcess } from '@wavegraph/testkit';

const ENTRY = path.resolve(__dirname, '..', 'dist', 'worker.js');

describe('the catalog publish worker process', () => {
  let database: TestDatabase;
  let worker: WorkerProcess;
  const prefix = freshRedisPrefix();
  beforeAll(async () => {
    database = await freshDatabase('catalog_worker');
    const port = await freePort();
    worker = await startWorkerProcess(ENTRY, port, { CATALOG_DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, CATALOG_WORKER_PORT: String(port) });
  });
  afterAll(async () => {
    await worker?.stop();
    await database?.drop();
    await dropRedisPrefix(prefix);
  });

  it('serves /health and /ready on CATALOG_WORKER_PORT, ready with Redis, Postgres and the worker running', async () => {
    expect(await worker.get('/health')).toEqual({ status: 200, body: { status: 'ok', service: 'catalog-worker' } });
    expect(await worker.get('/ready')).toEqual({
      status: 200,
      body: { status: 'ready', service: 'catalog-worker', checks: { redis: 'ok', postgres: 'ok', worker: 'ok' } },
    });
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

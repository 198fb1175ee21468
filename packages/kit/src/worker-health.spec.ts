import { eventually, freshDatabase, TEST_REDIS_URL, type TestDatabase } from '@wavegraph/testkit';
import { createRedisConnections, type RedisConnections } from '@wavegraph/redis';
import { DataSource } from 'typeorm';
import { workerHealthChecks, type WorkerHealth } from './worker-health';

describe('worker readiness checks', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const connections: RedisConnections[] = [];
  const redis = (url: string) => {
    const opened = createRedisConnections(url, { owner: 'worker-health-spec' });
    connections.push(opened);
    return opened;
  };
  beforeAll(async () => {
    database = await freshDatabase('worker-health');
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
  });
  afterAll(async () => {
    await Promise.all(connections.map((opened) => opened.close()));
    await dataSource?.destroy();
    await database?.drop();
  });
  const outcomes = async (health: WorkerHealth) =>
    Object.fromEntries(await Promise.all(Object.entries(health.checks).map(async ([name, check]) => [name, await check().then(() => 'ok', (error: Error) => error.message)])));

  it('passes with Redis and Postgres answering and the worker running, and fails when the worker stops', async () => {
    let running = true;
    const health = workerHealthChecks({ redis: redis(TEST_REDIS_URL), dataSource, worker: { isRunning: () => running } });
    // failFast refuses commands until connected: wait for that, as /ready is polled (a loaded machine takes longer than 200 ms)
    await eventually(async () => (await outcomes(health)).redis === 'ok', 10_000);
    expect(await outcomes(health)).toEqual({ redis: 'ok', postgres: 'ok', worker: 'ok' });
    running = false;
    expect(await outcomes(health)).toEqual({ redis: 'ok', postgres: 'ok', worker: 'not running' });
  });

  it('fails the Redis check at once when Redis cannot be reached', async () => {
    const health = workerHealthChecks({ redis: redis('redis://127.0.0.1:1'), dataSource, worker: { isRunning: () => true } });
    const started = Date.now();
    const result = await outcomes(health);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.redis).not.toBe('ok');
    expect(result.postgres).toBe('ok');
  });
});

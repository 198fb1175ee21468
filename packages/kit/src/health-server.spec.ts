import pino from 'pino';
import { startHealthServer, type HealthServer } from './health-server';

const log = pino({ level: 'silent' });

describe('health server', () => {
  let server: HealthServer;
  let redisUp = true;
  afterEach(() => server?.close());

  const start = async () => {
    server = await startHealthServer({
      name: 'spec-worker',
      port: 0,
      checkTimeoutMs: 100,
      log,
      checks: {
        redis: async () => {
          if (!redisUp) throw new Error('connection refused');
        },
        postgres: () => Promise.resolve(),
      },
    });
  };

  it('is alive on /health and ready on /ready when every check passes', async () => {
    redisUp = true;
    await start();
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', service: 'spec-worker' });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', service: 'spec-worker', checks: { redis: 'ok', postgres: 'ok' } });
  });

  it('answers 503 naming the failing check, and still 200 on /health', async () => {
    redisUp = false;
    await start();
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', service: 'spec-worker', checks: { redis: 'connection refused', postgres: 'ok' } });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('stays ready on a check that passes with a note, and shows the note in place of ok', async () => {
    server = await startHealthServer({ name: 'spec-worker', port: 0, log, checks: { postgres: () => Promise.resolve(), reconcile: async () => 'recovering: requeued 2' } });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', service: 'spec-worker', checks: { postgres: 'ok', reconcile: 'recovering: requeued 2' } });
  });

  it('counts a check that hangs as failed, within its timeout', async () => {
    server = await startHealthServer({ name: 'spec-worker', port: 0, checkTimeoutMs: 100, log, checks: { hung: () => new Promise(() => undefined) } });
    const started = Date.now();
    const ready = await fetch(`${server.url}/ready`);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { hung: 'no answer within 100 ms' } });
  });

  it('answers probes within a second from one round of checks, then checks again', async () => {
    let rounds = 0;
    // a cache long enough for three probes even on a loaded machine
    server = await startHealthServer({ name: 'spec-worker', port: 0, cacheMs: 1_500, log, checks: { counted: async () => void (rounds += 1) } });
    await Promise.all([fetch(`${server.url}/ready`), fetch(`${server.url}/ready`)]);
    await fetch(`${server.url}/ready`);
    expect(rounds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await fetch(`${server.url}/ready`);
    expect(rounds).toBe(2);
  });
});

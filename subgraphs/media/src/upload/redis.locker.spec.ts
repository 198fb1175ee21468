import { randomUUID } from 'node:crypto';
import { createLogger, createRedisConnections } from '@wavegraph/kit';
import { dropRedisPrefix, freshRedisPrefix, TEST_REDIS_URL } from '@wavegraph/testkit';
import { RedisLocker } from './redis.locker';

describe('RedisLocker', () => {
  const prefix = freshRedisPrefix();
  const log = createLogger('media');
  // two lockers on one prefix: two media replicas
  let a: RedisLocker;
  let b: RedisLocker;
  const redis = createRedisConnections(TEST_REDIS_URL, { owner: 'locker-spec', log });
  beforeAll(async () => {
    a = await RedisLocker.start(redis, prefix, log, { acquireTimeoutMs: 2000 });
    b = await RedisLocker.start(redis, prefix, log, { acquireTimeoutMs: 300 });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis.close();
    await dropRedisPrefix(prefix);
  });

  const never = new AbortController().signal;

  it('asks the holder on another replica to release, and takes the lock once it did', async () => {
    const id = randomUUID();
    const held = a.newLock(id);
    const asked = jest.fn(() => {
      setTimeout(() => void held.unlock(), 50);
    });
    await held.lock(never, asked);
    const waiting = b.newLock(id);
    const started = Date.now();
    await waiting.lock(never, () => undefined);
    expect(asked).toHaveBeenCalled();
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    await waiting.unlock();
  });

  it('gives up with tus lock timeout when the holder does not let go', async () => {
    const id = randomUUID();
    const held = a.newLock(id);
    await held.lock(never, () => undefined);
    await expect(b.newLock(id).lock(never, () => undefined)).rejects.toMatchObject({ status_code: 500, body: 'failed to acquire lock before timeout' });
    await held.unlock();
    const next = b.newLock(id);
    await next.lock(never, () => undefined);
    await next.unlock();
  });

  it('keeps a held lock alive past its TTL and frees a crashed holder after it', async () => {
    const short = await RedisLocker.start(redis, prefix, log, { ttlMs: 300, acquireTimeoutMs: 100 });
    try {
      const id = randomUUID();
      const held = short.newLock(id);
      await held.lock(never, () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await expect(b.newLock(id).lock(never, () => undefined)).rejects.toMatchObject({ status_code: 500 });
      await held.unlock();

      // a holder that died: no renewal, so the key expires on its own
      const crashed = randomUUID();
      await short.redis.set(`${prefix}:media:upload-lock:${crashed}`, 'someone-gone', 'PX', 200);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const taken = b.newLock(crashed);
      await taken.lock(never, () => undefined);
      await taken.unlock();
    } finally {
      await short.stop();
    }
  });

  it('never releases a lock that has passed to someone else', async () => {
    const id = randomUUID();
    const key = `${prefix}:media:upload-lock:${id}`;
    const stale = a.newLock(id);
    await stale.lock(never, () => undefined);
    await a.redis.set(key, 'the-next-holder');
    await stale.unlock();
    expect(await a.redis.get(key)).toBe('the-next-holder');
  });
});

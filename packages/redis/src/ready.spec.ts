import { connectRedis } from './connect';
import { whenReady } from './ready';

const quiet = { warn: () => undefined, info: () => undefined };

describe('waiting for a Redis connection to be ready', () => {
  it('answers at once for a connection that was ready before the call (its ready event is long gone)', async () => {
    const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'command', { name: 'spec:ready', log: quiet });
    try {
      await redis.ping();
      expect(redis.status).toBe('ready');
      // a wait for the event alone would only end at the timeout, false
      await expect(whenReady(redis, 60_000)).resolves.toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('waits for a connection still opening, and says false for one that never opens', async () => {
    const opening = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'command', { name: 'spec:opening', log: quiet });
    const refused = connectRedis('redis://127.0.0.1:1', 'failFast', { name: 'spec:refused', overrides: { retryStrategy: () => 50 }, log: quiet });
    try {
      await expect(whenReady(opening, 10_000)).resolves.toBe(true);
      await expect(whenReady(refused, 200)).resolves.toBe(false);
    } finally {
      opening.disconnect();
      refused.disconnect();
    }
  });
});

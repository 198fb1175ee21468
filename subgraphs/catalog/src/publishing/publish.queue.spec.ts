import { createRedisConnections, onRedisError, redisErrorCounts, resetRedisErrors } from '@wavegraph/kit';
import { PublishQueue } from './publish.queue';

describe('PublishQueue while Redis is away', () => {
  it('counts each connection error once (BullMQ passes them on too), logs at the rate limit, and closes', async () => {
    resetRedisErrors();
    const log = { warn: jest.fn(), info: jest.fn() };
    const redis = createRedisConnections('redis://127.0.0.1:7594', { owner: 'wgred-catalog', log });
    const seen: unknown[] = [];
    const stop = onRedisError(({ error }) => seen.push(error));
    const queue = new PublishQueue(redis, 'wgred');
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const counted = redisErrorCounts().filter((row) => row.connection === 'wgred-catalog:publish-queue');
      expect(counted).toHaveLength(1);
      expect(counted[0].code).toBe('ECONNREFUSED');
      expect(counted[0].count).toBeGreaterThan(1);
      // every error reached the registry exactly once
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(counted[0].count);
      expect(log.warn).toHaveBeenCalledTimes(1);
    } finally {
      stop();
      await queue.close();
      await redis.close();
    }
  });
});

import type { Redis } from 'ioredis';

/**
 * Whether the connection is ready, waiting up to `ms` for it; never rejects (a refused
 * connection keeps retrying by itself, and the callers carry on without Redis). A connection
 * ready before the call has already fired its 'ready', so its status is read first.
 */
export function whenReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  // not events.once: it rejects on the first 'error'
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, ms);
    redis.once('ready', onReady);
  });
}

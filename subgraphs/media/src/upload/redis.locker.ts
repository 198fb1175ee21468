import { randomUUID } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Logger, Redis, RedisConnections } from '@wavegraph/kit';

export interface RedisLockerOptions {
  /** A held lock lives this long without renewal (a crashed holder frees it by then). */
  ttlMs?: number;
  /** How long a request waits for a lock before giving up (tus answers 500, the client retries). */
  acquireTimeoutMs?: number;
  retryMs?: number;
}

// deletes / extends the lock only while it is still ours (it may have expired and been taken)
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * tus's per-upload lock shared by every media replica, so two PATCHes of one upload never
 * write at once even when the gateway sends them to different replicas. It keeps tus's
 * hand-over: a request that wants a held lock asks the holder (wherever it runs, over pub/sub)
 * to finish, and takes the lock once released.
 */
export class RedisLocker implements Locker {
  private readonly holders = new Map<string, RequestRelease>();
  private readonly ttlMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly retryMs: number;

  private constructor(
    readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
    options: RedisLockerOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.retryMs = options.retryMs ?? 25;
    subscriber.on('message', (_channel: string, id: string) => void this.holders.get(id)?.());
  }

  /** Its two connections come from `connections`, whose owner closes them after `stop()`. */
  static async start(connections: RedisConnections, prefix: string, log: Logger, options: RedisLockerOptions = {}): Promise<RedisLocker> {
    const redis = connections.open('command', 'upload-lock');
    const subscriber = connections.open('subscriber', 'upload-lock-releases');
    const locker = new RedisLocker(redis, subscriber, `${prefix}:media:upload-lock`, log, options);
    await subscriber.subscribe(locker.channel);
    return locker;
  }

  get channel(): string {
    return `${this.prefix}:release`;
  }

  newLock(id: string): Lock {
    const key = `${this.prefix}:${id}`;
    const token = randomUUID();
    let renewal: NodeJS.Timeout | undefined;
    return {
      lock: async (signal, requestRelease) => {
        const deadline = Date.now() + this.acquireTimeoutMs;
        let asked = 0;
        for (;;) {
          if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK') {
            this.holders.set(id, requestRelease);
            renewal = setInterval(() => void this.renew(key, token), this.ttlMs / 3);
            renewal.unref();
            return;
          }
          if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
          // ask the holder to wrap up, again now and then in case the lock changed hands meanwhile
          if (Date.now() - asked > 500) {
            asked = Date.now();
            await this.redis.publish(this.channel, id);
          }
          await new Promise((resolve) => setTimeout(resolve, this.retryMs));
        }
      },
      unlock: async () => {
        clearInterval(renewal);
        this.holders.delete(id);
        await this.redis.eval(RELEASE, 1, key, token);
      },
    };
  }

  /** Stops hearing release requests; its connections are closed by their owner after this. */
  async stop(): Promise<void> {
    this.holders.clear();
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(this.channel);
  }

  private async renew(key: string, token: string): Promise<void> {
    try {
      await this.redis.eval(RENEW, 1, key, token, String(this.ttlMs));
    } catch (error) {
      this.log.warn({ err: error, key }, 'could not renew an upload lock');
    }
  }
}

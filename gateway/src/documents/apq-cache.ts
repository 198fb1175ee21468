import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Redis } from '@wavegraph/redis';
import type { Logger } from 'pino';

export interface ApqCacheSettings {
  /** Seconds a registered document is kept after its registration. */
  ttlSeconds: number;
  /** Documents kept at most over every replica; the oldest registrations go first. */
  maxEntries: number;
}

/** Apollo Server asks for `apq:<sha256>`; anything else (a client's made-up hash) is a miss without a round trip. */
const APQ_KEY = /^apq:[0-9a-f]{64}$/;

// Stores the document, indexes it by registration time, and evicts the oldest beyond the bound,
// in one step so that replicas registering at the same time cannot overshoot it.
// KEYS: document key, index key. ARGV: document, ttl seconds, now ms, max entries.
const REGISTER = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[2]) * 1000)
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], excess)
  for i = 1, #oldest, 2 do redis.call('DEL', oldest[i]) end
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
`;

/**
 * Apollo's KeyValueCache for automatic persisted queries, in the Redis every replica shares, so a
 * document registered through one gateway runs by hash on all of them. Our own adapter rather
 * than `@apollo/utils.keyvadapter` + `@keyv/redis`: that store opens node-redis connections of its
 * own, while every Redis connection here comes from the one ioredis factory (`failFast`: a command
 * fails at once while Redis is away). Bounded by a TTL and a count, and soft: a Redis error is a
 * logged miss (the client sends the text again), never a failed request.
 */
export class RedisApqCache implements KeyValueCache<string> {
  private readonly index: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: ApqCacheSettings,
    private readonly log: Logger,
  ) {
    // under the same prefix as the documents; no document key can be named so (they are 64 hex digits)
    this.index = `${prefix}:apq:index`;
  }

  async get(key: string): Promise<string | undefined> {
    if (!APQ_KEY.test(key)) return undefined;
    try {
      return (await this.redis.get(`${this.prefix}:${key}`)) ?? undefined;
    } catch (error) {
      this.log.warn({ err: error }, 'persisted-query cache unavailable: treated as a miss');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (!APQ_KEY.test(key)) return;
    const ttl = Math.max(1, Math.round(options?.ttl ?? this.settings.ttlSeconds));
    try {
      await this.redis.eval(REGISTER, 2, `${this.prefix}:${key}`, this.index, value, ttl, Date.now(), this.settings.maxEntries);
    } catch (error) {
      this.log.warn({ err: error }, 'persisted-query cache unavailable: document not registered');
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(`${this.prefix}:${key}`)) > 0;
    } catch (error) {
      this.log.warn({ err: error }, 'persisted-query cache unavailable: document not deleted');
      return false;
    }
  }
}

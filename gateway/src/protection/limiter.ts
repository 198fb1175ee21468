import type { Redis } from '@wavegraph/redis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions } from 'rate-limiter-flexible';

/** What a limit said about one request: enough for the RateLimit headers and Retry-After. */
export interface Verdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (or a block ends). */
  resetSeconds: number;
  /** `RateLimit-Policy` value, e.g. `100;w=60`. */
  policy: string;
}

export interface LimitOptions {
  /** Part of the Redis key: `<prefix>:ratelimit:<name>:<key>`. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * Where every limit keeps its counts: one Redis shared by the replicas (rate-limiter-flexible's
 * atomic INCR+EXPIRE script). When Redis cannot answer, each limit falls back to a counter of
 * this process (`insuranceLimiter`): requests are still limited, per replica, instead of all
 * refused or all let through. Each fallback is counted and logged (at most every 10 s).
 */
export class LimitStore {
  private fallbackCount = 0;
  private lastWarned = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
    /** Counts the refusals of the limit of that name (resolved once per limit). */
    private readonly refusals?: (name: string) => { inc(): void },
  ) {}

  /** Times a limit was answered by the local fallback since start. */
  get fallbacks(): number {
    return this.fallbackCount;
  }

  limit(options: LimitOptions): Limit | null {
    if (options.points <= 0) return null;
    const settings: IRateLimiterOptions = { points: options.points, duration: options.durationSeconds, keyPrefix: `${this.prefix}:ratelimit:${options.name}` };
    const insurance = new FallbackLimiter(settings, () => this.fellBack(options.name));
    const limiter = new RateLimiterRedis({ ...settings, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: insurance });
    return new Limit(limiter, options, this.refusals?.(options.name));
  }

  private fellBack(name: string): void {
    this.fallbackCount += 1;
    if (Date.now() - this.lastWarned < 10_000) return;
    this.lastWarned = Date.now();
    this.log.warn({ limit: name, fallbacks: this.fallbackCount }, 'Redis unreachable: rate limits counted by this replica alone');
  }
}

/** The insurance limiter, counted: rate-limiter-flexible calls it only when the store failed. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(options: IRateLimiterOptions, private readonly onUse: () => void) {
    super(options);
  }

  override consume(key: string | number, points?: number, options?: { [key: string]: unknown }): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }

  override get(key: string | number, options?: { [key: string]: unknown }): Promise<RateLimiterRes | null> {
    this.onUse();
    return super.get(key, options);
  }

  override penalty(key: string | number, points?: number, options?: { [key: string]: unknown }): Promise<RateLimiterRes> {
    this.onUse();
    return super.penalty(key, points, options);
  }
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** One named limit: `points` per `durationSeconds` for each key. */
export class Limit {
  readonly policy: string;

  constructor(
    private readonly limiter: RateLimiterRedis,
    private readonly options: LimitOptions,
    private readonly refusals?: { inc(): void },
  ) {
    this.policy = `${options.points};w=${options.durationSeconds}`;
  }

  private verdict(res: RateLimiterRes, allowed: boolean): Verdict {
    if (!allowed) this.refusals?.inc();
    return { allowed, limit: this.options.points, remaining: Math.max(0, res.remainingPoints), resetSeconds: seconds(res.msBeforeNext), policy: this.policy };
  }

  /** Counts one request against `key`. */
  async take(key: string, points = 1): Promise<Verdict> {
    try {
      return this.verdict(await this.limiter.consume(key, points), true);
    } catch (error) {
      if (error instanceof RateLimiterRes) return this.verdict(error, false);
      throw error;
    }
  }

  /** Whether `key` may count one more (a failure, say) now, without counting anything. */
  async peek(key: string): Promise<Verdict> {
    const res = await this.limiter.get(key);
    if (!res) return { allowed: true, limit: this.options.points, remaining: this.options.points, resetSeconds: this.options.durationSeconds, policy: this.policy };
    return this.verdict(res, res.consumedPoints < this.options.points);
  }

  /** Adds to `key`'s count (a failure observed after the fact); returns the new count. */
  async add(key: string, points = 1): Promise<number> {
    return (await this.limiter.penalty(key, points)).consumedPoints;
  }

  /** Holds `key` over the limit for `secondsFromNow`. */
  async block(key: string, secondsFromNow: number): Promise<void> {
    await this.limiter.block(key, secondsFromNow);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key).catch(() => undefined);
  }
}

import { LRUCache } from 'lru-cache';
import type { Redis } from '@wavegraph/redis';
import type { Logger } from './logger';

export interface NonceGuardOptions {
  /** Keys are `<prefix>:nonce:<nonce>`, under the subgraph's own Redis prefix. */
  prefix: string;
  /**
   * How long a nonce is remembered. An envelope is accepted while its timestamp is within the
   * skew of now, i.e. up to 2 × skew after the earliest moment it could have been seen, so that
   * is what callers pass.
   */
  windowMs: number;
  /** Nonces this process remembers itself (the fallback while Redis cannot answer). Default 100 000. */
  localCapacity?: number;
  log: Logger;
}

/** What the guard did, for /ready and operators: a growing `fallbacks` means Redis is not answering. */
export interface NonceGuardStats {
  accepted: number;
  replaysRefused: number;
  /** Checks Redis could not answer, decided by this process's own memory instead. */
  fallbacks: number;
}

/**
 * Accepts each envelope nonce once per subgraph: `SET NX PX` in Redis, shared by every replica.
 *
 * When Redis cannot answer (down, or slower than the failFast profile's timeout) the check
 * falls back to a bounded LRU of the nonces this process has seen, and the request goes on:
 * refusing every request while Redis is away would take the whole platform down with it, while
 * the fallback still refuses a replay to the same replica and every replay once Redis is back
 * (nonces accepted during the outage are written to the LRU only). Each fallback is logged and
 * counted. The LRU is consulted first on every check, so a replay to the same replica is
 * refused without a Redis round trip.
 */
export class NonceGuard {
  readonly stats: NonceGuardStats = { accepted: 0, replaysRefused: 0, fallbacks: 0 };
  private readonly seen: LRUCache<string, true>;

  constructor(
    private readonly redis: Redis,
    private readonly options: NonceGuardOptions,
  ) {
    this.seen = new LRUCache<string, true>({ max: options.localCapacity ?? 100_000, ttl: options.windowMs });
  }

  /** true the first time a nonce is presented within the window, false for every later time. */
  async claim(nonce: string): Promise<boolean> {
    if (this.seen.has(nonce)) return this.refuse();
    this.seen.set(nonce, true);
    let first: boolean;
    try {
      first = (await this.redis.set(`${this.options.prefix}:nonce:${nonce}`, '1', 'PX', this.options.windowMs, 'NX')) === 'OK';
    } catch (error) {
      this.stats.fallbacks += 1;
      this.options.log.warn({ err: error, fallbacks: this.stats.fallbacks }, 'nonce check fell back to local memory: Redis did not answer');
      first = true;
    }
    if (!first) return this.refuse();
    this.stats.accepted += 1;
    return true;
  }

  private refuse(): false {
    this.stats.replaysRefused += 1;
    return false;
  }
}

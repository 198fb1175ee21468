import Redis, { type RedisOptions } from 'ioredis';

/**
 * How a connection behaves while Redis is away. Every connection in Wavegraph is made with one
 * of these, so "what happens during an outage" is decided here once, by what the caller can afford.
 */
export type RedisProfile =
  /**
   * Ordinary commands off the hot path (queues' producers, operator commands).
   * Defaults: commands queue while reconnecting; each is retried once (`maxRetriesPerRequest: 1`).
   */
  | 'command'
  /**
   * Hot paths that must never wait on Redis (rate limits, caches, nonces): a command fails at once
   * while disconnected and after 2 s when Redis hangs, and the caller falls back.
   * Defaults: `enableOfflineQueue: false`, `maxRetriesPerRequest: 0`, `commandTimeout: 2000`.
   */
  | 'failFast'
  /**
   * Blocking reads (XREADGROUP) and BullMQ, which requires it: a command waits as long as it takes.
   * Defaults: `maxRetriesPerRequest: null`.
   */
  | 'blocking'
  /**
   * Pub/sub subscribers: subscriptions are restored after a reconnect and never time out.
   * Defaults: `maxRetriesPerRequest: null`, `autoResubscribe: true`.
   */
  | 'subscriber';

const PROFILES: Record<RedisProfile, RedisOptions> = {
  command: { maxRetriesPerRequest: 1 },
  failFast: { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2_000 },
  blocking: { maxRetriesPerRequest: null },
  subscriber: { maxRetriesPerRequest: null, autoResubscribe: true },
};

export interface ConnectOptions {
  /** Shown by `CLIENT LIST` as `wavegraph:<name>`, so an operator can tell connections apart. */
  name: string;
  /** Connect on the first command instead of at once. Default: false. */
  lazyConnect?: boolean;
  /** Anything a caller must set beyond its profile (a test's retry strategy, say); applied last. */
  overrides?: RedisOptions;
}

/** Opens a connection to `url` that behaves as `profile` says. The caller owns it and quits it. */
export function connectRedis(url: string, profile: RedisProfile, options: ConnectOptions): Redis {
  return new Redis(url, {
    ...PROFILES[profile],
    connectionName: `wavegraph:${options.name.replace(/[^A-Za-z0-9:._-]/g, '-')}`,
    lazyConnect: options.lazyConnect ?? false,
    ...options.overrides,
  });
}

export type { Redis };

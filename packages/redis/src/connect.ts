import Redis, { type RedisOptions } from 'ioredis';
import { reportRedisError, reportRedisReady, type RedisErrorLog } from './errors';

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
  /** Where this connection's errors are logged; default: the process's (`setRedisErrorLog`). */
  log?: RedisErrorLog;
}

/** The options a profile stands for (what `connectRedis` applies before the name and overrides). */
export const profileOptions = (profile: RedisProfile): RedisOptions => ({ ...PROFILES[profile] });

/**
 * Opens a connection to `url` that behaves as `profile` says. The caller owns it and quits it.
 * Its one error listener counts and logs every error (rate-limited, see errors.ts): callers add
 * none, and never swallow them.
 *
 * Its copies are made here too: BullMQ's workers and QueueEvents take the connection they are
 * given and `duplicate()` it for their blocking reads, and ioredis' own duplicate would carry
 * neither this profile's error listener nor a name of ours. A copy is named `<name>~<n>`, keeps
 * the profile, and takes the caller's overrides (BullMQ's own `connectionName`, which its
 * `getWorkers()` reads from CLIENT LIST); whoever asked for it closes it (BullMQ does).
 */
export function connectRedis(url: string, profile: RedisProfile, options: ConnectOptions): Redis {
  const redis = new Redis(url, {
    ...PROFILES[profile],
    connectionName: `wavegraph:${options.name.replace(/[^A-Za-z0-9:._-]/g, '-')}`,
    lazyConnect: options.lazyConnect ?? false,
    ...options.overrides,
  });
  redis.on('error', (error: Error) => reportRedisError(options.name, error, options.log));
  redis.on('ready', () => reportRedisReady(options.name, options.log));
  let copies = 0;
  redis.duplicate = (override?: Partial<RedisOptions>) =>
    connectRedis(url, profile, { ...options, name: `${options.name}~${++copies}`, overrides: { ...options.overrides, ...override } });
  return redis;
}

export type { Redis };

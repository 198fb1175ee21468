import type Redis from 'ioredis';
import { connectRedis, type ConnectOptions, type RedisProfile } from './connect';
import type { RedisErrorLog } from './errors';

/**
 * The Redis connections of one owner (a subgraph, a worker, the gateway). Components ask it for
 * the connections they need and use them; the owner closes them all, after it stopped those
 * components, so no component closes a connection another still uses.
 */
export interface RedisConnections {
  readonly url: string;
  /** A new connection named `<owner>:<name>`, closed by `close()`. */
  open(profile: RedisProfile, name: string, options?: Omit<ConnectOptions, 'name' | 'log'>): Redis;
  /** Closes every connection opened here, the last opened first; later `open`s throw. */
  close(): Promise<void>;
}

export interface RedisConnectionsOptions {
  /** Prefix of every connection's name (`catalog`, `gateway`, `media-worker`). */
  owner: string;
  /** Where the connections' errors are logged; default: the process's. */
  log?: RedisErrorLog;
}

export function createRedisConnections(url: string, options: RedisConnectionsOptions): RedisConnections {
  const opened: Redis[] = [];
  let closed = false;
  return {
    url,
    open: (profile, name, connect = {}) => {
      if (closed) throw new Error(`the Redis connections of ${options.owner} are closed`);
      const redis = connectRedis(url, profile, { ...connect, name: `${options.owner}:${name}`, log: options.log });
      opened.push(redis);
      return redis;
    },
    close: async () => {
      closed = true;
      for (const redis of opened.splice(0).reverse()) await closeRedis(redis);
    },
  };
}

/**
 * QUIT on a ready connection (its pending replies arrive first), otherwise just drop it: quit
 * would wait for a Redis that may not come back.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'reconnecting') {
    // waiting out its retry timer: dropping that leaves no socket, and ioredis emits no 'end' for it
    redis.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
  // a socket still connecting closes a moment later; nothing is left behind once it says so
  await ended;
}

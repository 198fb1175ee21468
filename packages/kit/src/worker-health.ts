import { connectRedis } from '@wavegraph/redis';
import type { DataSource } from 'typeorm';
import type { HealthCheck } from './health-server';

export interface WorkerHealthOptions {
  /** Names the health connection in CLIENT LIST. */
  name: string;
  redisUrl: string;
  dataSource: DataSource;
  /** The queue worker (BullMQ's Worker has this). */
  worker: { isRunning(): boolean };
}

export interface WorkerHealth {
  checks: Record<string, HealthCheck>;
  close(): void;
}

/**
 * What "ready" means for a queue worker: Redis answers, Postgres answers, and the worker is
 * taking jobs. Redis is pinged on a failFast connection of its own: the worker's connections
 * block or wait for Redis, so a ping on them would hang rather than say it is down.
 */
export function workerHealthChecks(options: WorkerHealthOptions): WorkerHealth {
  const redis = connectRedis(options.redisUrl, 'failFast', { name: `${options.name}:health` });
  redis.on('error', () => undefined);
  return {
    checks: {
      redis: async () => {
        await redis.ping();
      },
      postgres: async () => {
        await options.dataSource.query('SELECT 1');
      },
      worker: async () => {
        if (!options.worker.isRunning()) throw new Error('not running');
      },
    },
    close: () => redis.disconnect(),
  };
}

import type { RedisConnections } from '@wavegraph/redis';
import type { DataSource } from 'typeorm';
import type { HealthCheck } from './health-server';

export interface WorkerHealthOptions {
  /** Where the health connection comes from (closed with the worker's other connections). */
  redis: RedisConnections;
  dataSource: DataSource;
  /** The queue worker (BullMQ's Worker has this). */
  worker: { isRunning(): boolean };
}

export interface WorkerHealth {
  checks: Record<string, HealthCheck>;
}

/**
 * What "ready" means for a queue worker: Redis answers, Postgres answers, and the worker is
 * taking jobs. Redis is pinged on a failFast connection of its own: the worker's connections
 * block or wait for Redis, so a ping on them would hang rather than say it is down.
 */
export function workerHealthChecks(options: WorkerHealthOptions): WorkerHealth {
  const redis = options.redis.open('failFast', 'health');
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
  };
}

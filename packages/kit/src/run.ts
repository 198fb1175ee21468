import { defaultDatabaseUrl, envInt, envString, gatewaySecret, redisUrl } from './config';
import { startHealthServer, type HealthCheck } from './health-server';
import { createLogger, type Logger } from './logger';
import { startSubgraph, type SubgraphModule } from './server';
import { setRedisErrorLog } from '@wavegraph/redis';

/** Stops `stop` once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/** A subgraph's main: configuration from the environment, graceful shutdown on signals. */
export async function runSubgraph<S>(module: SubgraphModule<S>, defaultPort: number): Promise<void> {
  const log = createLogger(module.name);
  setRedisErrorLog(log);
  const prefix = module.name.toUpperCase();
  try {
    const running = await startSubgraph(module, {
      port: envInt(`${prefix}_PORT`, defaultPort),
      host: envString('HOST', '127.0.0.1'),
      databaseUrl: defaultDatabaseUrl(module.name),
      redisUrl: redisUrl(),
      redisPrefix: envString('REDIS_PREFIX', 'wavegraph'),
      gatewaySecret: gatewaySecret(),
      logger: log,
    });
    stopOnSignals(log, running.stop);
  } catch (error) {
    log.fatal({ err: error }, `${module.name} failed to start`);
    process.exit(1);
  }
}

/** What a worker process runs: its readiness checks and how it stops (running jobs finish first). */
export interface RunnableWorker {
  checks: Record<string, HealthCheck>;
  close(): Promise<void>;
}

/**
 * A queue worker's main: starts it, serves its /health and /ready on `<NAME>_PORT` (the worker
 * serves no other HTTP), stops on SIGTERM/SIGINT. A start that fails, a health port in use
 * included, exits 1: better than running unobservable.
 */
export async function runWorker(name: string, defaultPort: number, start: (log: Logger) => Promise<RunnableWorker>): Promise<void> {
  const log = createLogger(name);
  setRedisErrorLog(log);
  try {
    const worker = await start(log);
    const health = await startHealthServer({
      name,
      port: envInt(`${name.toUpperCase().replace(/-/g, '_')}_PORT`, defaultPort),
      host: envString('HOST', '127.0.0.1'),
      checks: worker.checks,
      log,
    });
    log.info({ url: health.url }, `${name} ready`);
    stopOnSignals(log, () => worker.close().finally(() => health.close()));
  } catch (error) {
    log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
}

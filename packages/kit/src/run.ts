import { shutdownTelemetry } from '@wavegraph/telemetry';
import { createRegistry, metricsListenFromEnv, startMetricsServer, type MetricsServer, type Registry } from '@wavegraph/metrics';
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
      // the spans of the last requests are exported before the process goes
      () => shutdownTelemetry().finally(() => process.exit(0)),
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
    const port = envInt(`${prefix}_PORT`, defaultPort);
    // known before the subgraph starts: a metrics port in use stops the start early
    const metricsAt = metricsListenFromEnv(module.name, port);
    const running = await startSubgraph(module, {
      port,
      host: envString('HOST', '127.0.0.1'),
      databaseUrl: defaultDatabaseUrl(module.name),
      redisUrl: redisUrl(),
      redisPrefix: envString('REDIS_PREFIX', 'wavegraph'),
      gatewaySecret: gatewaySecret(),
      logger: log,
    });
    const metrics = await serveMetrics(running.metrics, metricsAt, log).catch(async (error: unknown) => {
      await running.stop();
      throw error;
    });
    stopOnSignals(log, () => running.stop().finally(() => metrics?.close()));
  } catch (error) {
    log.fatal({ err: error }, `${module.name} failed to start`);
    process.exit(1);
  }
}

/** Serves a process's registry on its own metrics port (none when METRICS=off). */
async function serveMetrics(registry: Registry, at: ReturnType<typeof metricsListenFromEnv>, log: Logger): Promise<MetricsServer | undefined> {
  if (!at) return undefined;
  const server = await startMetricsServer(registry, at.port, at.host);
  log.info({ url: server.url }, 'metrics');
  return server;
}

/** What a worker process runs: its readiness checks and how it stops (running jobs finish first). */
export interface RunnableWorker {
  checks: Record<string, HealthCheck>;
  close(): Promise<void>;
}

/**
 * A queue worker's main: starts it, serves its /health and /ready on `<NAME>_PORT` (the worker
 * serves no other HTTP) and its metrics on `<NAME>_METRICS_PORT`, stops on SIGTERM/SIGINT. A start that fails, a health port in use
 * included, exits 1: better than running unobservable.
 */
export async function runWorker(name: string, defaultPort: number, start: (log: Logger, metrics: Registry) => Promise<RunnableWorker>): Promise<void> {
  const log = createLogger(name);
  setRedisErrorLog(log);
  try {
    const port = envInt(`${name.toUpperCase().replace(/-/g, '_')}_PORT`, defaultPort);
    const registry = createRegistry(name);
    const worker = await start(log, registry);
    const metrics = await serveMetrics(registry, metricsListenFromEnv(name, port), log);
    const health = await startHealthServer({
      name,
      port,
      host: envString('HOST', '127.0.0.1'),
      checks: worker.checks,
      log,
    });
    log.info({ url: health.url }, `${name} ready`);
    stopOnSignals(log, () => worker.close().finally(() => Promise.all([health.close(), metrics?.close()])));
  } catch (error) {
    log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
}

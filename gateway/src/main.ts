// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { shutdownTelemetry, startTelemetry } from '@wavegraph/telemetry';
startTelemetry('gateway');
import { metricsListenFromEnv, startMetricsServer } from '@wavegraph/metrics';
import { configFromEnv } from './config';
import { applyHeapGrowing } from './heap';
import { setRedisErrorLog } from '@wavegraph/redis';
import { createGatewayLogger, startGateway } from './server';

const log = createGatewayLogger();
setRedisErrorLog(log);
const config = configFromEnv();
applyHeapGrowing(config.heapGrowingPercent);

const metricsAt = metricsListenFromEnv('gateway', config.port);

startGateway(config, log).then(
  async (gateway) => {
    // on a port of its own, bound to METRICS_HOST: never reachable through the public endpoint
    const metrics = metricsAt ? await startMetricsServer(gateway.metrics, metricsAt.port, metricsAt.host) : undefined;
    if (metrics) log.info({ url: metrics.url }, 'gateway metrics');
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      log.info({ signal }, 'shutting down');
      gateway.stop().then(() => metrics?.close()).then(() => shutdownTelemetry()).then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  },
  (error: unknown) => {
    log.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  },
).catch((error: unknown) => {
  // the metrics port in use, say: better to stop than to run unobserved
  log.fatal({ err: error }, 'gateway metrics failed to start');
  process.exit(1);
});

// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { shutdownTelemetry, startTelemetry } from '@wavegraph/telemetry';
startTelemetry('gateway');
import { configFromEnv } from './config';
import { applyHeapGrowing } from './heap';
import { createGatewayLogger, startGateway } from './server';

const log = createGatewayLogger();
const config = configFromEnv();
applyHeapGrowing(config.heapGrowingPercent);

startGateway(config, log).then(
  (gateway) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      log.info({ signal }, 'shutting down');
      gateway.stop().then(() => shutdownTelemetry().finally(() => process.exit(0)), () => process.exit(1));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  },
  (error: unknown) => {
    log.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  },
);

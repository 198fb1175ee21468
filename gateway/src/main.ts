import { configFromEnv } from './config';
import { applyHeapGrowing } from './heap';
import { setRedisErrorLog } from '@wavegraph/redis';
import { createGatewayLogger, startGateway } from './server';

const log = createGatewayLogger();
setRedisErrorLog(log);
const config = configFromEnv();
applyHeapGrowing(config.heapGrowingPercent);

startGateway(config, log).then(
  (gateway) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      log.info({ signal }, 'shutting down');
      gateway.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  },
  (error: unknown) => {
    log.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  },
);

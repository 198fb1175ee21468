import 'reflect-metadata';
import { ProducerLogs } from '@wavegraph/events';
import { closeRedis, connectRedis, createLogger, defaultDatabaseUrl, envString, gatewaySecret, openDatabase, redisUrl, setRedisErrorLog } from '@wavegraph/kit';
import { QueryCache } from '../cache/query-cache';
import { discoveryModule } from '../discovery.module';
import { rebuildProjections } from '../projection/rebuild';

/**
 * Usage: node dist/cli/rebuild.js [--from-streams]
 * Rebuilds discovery's projections from the producers' durable logs (each producer serves its
 * own; EVENTS_LOG_<PRODUCER>_URL or the address it advertises in Redis), or with
 * --from-streams from what the Redis streams still hold (DISCOVERY_DATABASE_URL, REDIS_URL,
 * REDIS_PREFIX, WAVEGRAPH_GATEWAY_SECRET). Safe while the subgraph runs: its consumer waits and then carries on.
 */
async function main(): Promise<number> {
  const log = createLogger('discovery-rebuild');
  setRedisErrorLog(log);
  const prefix = envString('REDIS_PREFIX', 'wavegraph');
  const db = await openDatabase({
    url: defaultDatabaseUrl('discovery'),
    entities: discoveryModule.entities,
    migrations: discoveryModule.migrations,
    logger: log,
  });
  const redis = connectRedis(redisUrl(), 'command', { name: 'discovery:rebuild' });
  try {
    const from = process.argv.includes('--from-streams') ? 'streams' : { logs: new ProducerLogs({ redis, prefix, secret: gatewaySecret() }) };
    const result = await rebuildProjections({ dataSource: db.dataSource, redis, prefix, log, cache: new QueryCache(redis, prefix, log), from });
    process.stdout.write(`replayed ${result.replayed} events (${result.applied} applied, ${result.poison} skipped as invalid)\n`);
    return 0;
  } finally {
    await closeRedis(redis);
    await db.dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rebuild failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

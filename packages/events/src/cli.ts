import { closeRedis, connectRedis, envString, redisUrl } from '@wavegraph/kit';
import { runEventsCli } from './cli.command';

/** `npm run events -- <command>`; see USAGE. Reads REDIS_URL and REDIS_PREFIX like the services. */
async function main(): Promise<number> {
  const redis = connectRedis(redisUrl(), 'command', { name: 'events-cli' });
  try {
    return await runEventsCli(process.argv.slice(2), { redis, prefix: envString('REDIS_PREFIX', 'wavegraph'), out: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await closeRedis(redis);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`wavegraph-events: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

import { closeRedis, connectRedis, envString, redisUrl } from '@wavegraph/kit';
import { runEventsCli } from './cli.command';
import { JetStreamContext } from './transport/jetstream';
import { eventTransportFromEnv } from './transport/settings';

/** `npm run events -- <command>`; see USAGE. Reads REDIS_URL, REDIS_PREFIX and the event transport (EVENTS_TRANSPORT, NATS_URL) like the services. */
async function main(): Promise<number> {
  const prefix = envString('REDIS_PREFIX', 'wavegraph');
  const transport = eventTransportFromEnv();
  const redis = connectRedis(redisUrl(), 'command', { name: 'events-cli' });
  const jetstream = transport.kind === 'nats' ? await JetStreamContext.connect(transport.nats, prefix, 'events-cli', false) : undefined;
  try {
    return await runEventsCli(process.argv.slice(2), { redis, jetstream, prefix, out: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await Promise.all([closeRedis(redis), jetstream?.close()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`wavegraph-events: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

// A consumer process whose handler is killed (SIGKILL) in the middle of its transaction,
// after writing its effect and before committing. Runs the compiled package (npm test builds first).
// TRANSPORT=nats (with NATS_URL, NATS_PARTITIONS) reads from JetStream instead of Redis Streams.
const { DataSource } = require('typeorm');
const { createLogger, createRedisConnections } = require('@wavegraph/kit');
const { DEFAULT_JETSTREAM, EventConsumer, EpisodeLiked, JetStreamContext, JetStreamTransport, on } = require('../../dist');

async function main() {
  const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
  await dataSource.initialize();
  const redis = createRedisConnections(process.env.REDIS_URL, { owner: 'crash-consumer' });
  const prefix = process.env.PREFIX;
  let transport;
  if (process.env.TRANSPORT === 'nats') {
    const settings = { ...DEFAULT_JETSTREAM, servers: process.env.NATS_URL, partitions: Number(process.env.NATS_PARTITIONS || DEFAULT_JETSTREAM.partitions) };
    transport = new JetStreamTransport({ context: await JetStreamContext.connect(settings, prefix), redis, prefix });
  }
  const consumer = new EventConsumer({
    dataSource,
    redis,
    prefix,
    transport,
    ...(process.env.RECLAIM_IDLE_MS && { reclaimIdleMs: Number(process.env.RECLAIM_IDLE_MS) }),
    group: 'crash-test',
    consumerName: 'doomed',
    producers: ['engagement'],
    handlers: [
      on(EpisodeLiked, async (event, tx) => {
        await tx.query('INSERT INTO effects (event_id, aggregate_id, position, consumer) VALUES ($1, $2, $3, $4)', [event.id, event.aggregateId, event.position, 'doomed']);
        process.kill(process.pid, 'SIGKILL');
      }),
    ],
    log: createLogger('doomed'),
  });
  await consumer.start();
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

// A consumer process whose handler is killed (SIGKILL) in the middle of its transaction,
// after writing its effect and before committing. Runs the compiled package (npm test builds first).
const { DataSource } = require('typeorm');
const { createLogger, createRedisConnections } = require('@wavegraph/kit');
const { EventConsumer, EpisodeLiked, on } = require('../../dist');

async function main() {
  const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
  await dataSource.initialize();
  const consumer = new EventConsumer({
    dataSource,
    redis: createRedisConnections(process.env.REDIS_URL, { owner: 'crash-consumer' }),
    prefix: process.env.PREFIX,
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

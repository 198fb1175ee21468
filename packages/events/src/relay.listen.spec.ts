import { randomUUID } from 'node:crypto';
import { connectRedis, createRedisConnections, type Redis, type RedisConnections } from '@wavegraph/kit';
import { dropRedisPrefix, eventually, freshRedisPrefix, startPrivatePostgres, TEST_REDIS_URL, type PrivatePostgres } from '@wavegraph/testkit';
import { EpisodeLiked } from './contracts';
import { recordEvent } from './outbox';
import { OutboxRelay } from './relay';
import { streamOf } from './streams';
import { eventsFixture, likePayload, log, type EventsFixture } from './testing/fixture';

let pg: PrivatePostgres;
let fx: EventsFixture;
let redis: Redis;
let connections: RedisConnections;
const prefix = freshRedisPrefix();

beforeAll(async () => {
  pg = await startPrivatePostgres();
  fx = await eventsFixture(await pg.createDatabase('relay_listen'));
  redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'relay-listen-spec' });
  connections = createRedisConnections(TEST_REDIS_URL, { owner: 'relay-listen-spec', log });
}, 120_000);
afterAll(async () => {
  await connections.close();
  redis.disconnect();
  await dropRedisPrefix(prefix);
  await fx.db.dataSource.destroy().catch(() => undefined);
  await pg.destroy();
});

const like = () => {
  const episodeId = randomUUID();
  return fx.db.dataSource.transaction((tx) => recordEvent(tx, EpisodeLiked, episodeId, likePayload(episodeId, randomUUID())));
};
const streamLength = () => redis.xlen(streamOf(prefix, 'engagement'));

it('listens again after Postgres restarts, so commits go out at once and not at the next poll', async () => {
  // a poll so slow that only the LISTEN connection can explain a prompt delivery
  const relay = new OutboxRelay({ dataSource: fx.db.dataSource, redis: connections, prefix, producer: 'engagement', log, pollMs: 60_000, backoff: { baseMs: 100, maxMs: 500 } });
  relay.start();
  try {
    await eventually(async () => relay.listening, 5_000, 20);
    await like();
    await eventually(async () => (await streamLength()) === 1, 3_000, 20);

    await pg.stop();
    await eventually(async () => !relay.listening, 5_000, 20);
    await pg.start();
    await eventually(async () => relay.listening, 15_000, 50);
    // the pool reconnects on its own; the listener had to be opened again by the relay
    await eventually(async () => (await like()) !== undefined, 10_000, 100);
    const sentAt = Date.now();
    await eventually(async () => (await streamLength()) === 2, 3_000, 20);
    expect(Date.now() - sentAt).toBeLessThan(3_000);
  } finally {
    await relay.stop();
  }
}, 120_000);

import { randomUUID } from 'node:crypto';
import { CONTRACTS } from '@wavegraph/events';
import { connectRedis } from '@wavegraph/redis';
import pino from 'pino';
import { EntityCache } from './entity-cache';
import { CACHE_POLICY } from './policy';
import { PURGES, tagsOfEvent } from './purge-events';
import { eventStreamOf, PurgeListener } from './purge-listener';
import { DEFAULT_ENTITY_CACHE } from './settings';

describe('purging events', () => {
  it('name only events and payload fields the contracts define', () => {
    for (const [type, changed] of Object.entries(PURGES)) {
      const contract = CONTRACTS.get(`${type}@1`);
      expect({ type, defined: contract !== undefined }).toEqual({ type, defined: true });
      // every payload is a zod object: its shape names its fields
      const shape = (contract!.payload as unknown as { shape: Record<string, unknown> }).shape;
      for (const [, field] of changed) expect({ type, field, inPayload: field in shape }).toEqual({ type, field, inPayload: true });
    }
  });

  it('map an event to the entities it changes', () => {
    const id = randomUUID();
    const showId = randomUUID();
    const event = (type: string, payload: object) => JSON.stringify({ type, payload });
    expect(tagsOfEvent(event('catalog.EpisodeUpdated', { episodeId: id, showId, title: 't' }))).toEqual([`Episode:${id}`, `Show:${showId}`]);
    expect(tagsOfEvent(event('engagement.CommentPosted', { commentId: id, episodeId: showId, parentId: null }))).toEqual([`Episode:${showId}`, `Comment:${id}`]);
    expect(tagsOfEvent(event('billing.Unknown', { userId: id }))).toEqual([]);
    expect(tagsOfEvent('{not json')).toEqual([]);
  });
});

describe('PurgeListener', () => {
  const prefix = `wgcache:test:${randomUUID()}`;
  const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'command', { name: 'gateway:test' });
  const reader = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'blocking', { name: 'gateway:test-reader' });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('purges the entities of events written after it started, not before', async () => {
    const before = randomUUID();
    const after = randomUUID();
    const xadd = (episodeId: string) =>
      redis.xadd(eventStreamOf(prefix, 'catalog'), '*', 'type', 'catalog.EpisodeUpdated@1', 'event', JSON.stringify({ type: 'catalog.EpisodeUpdated', payload: { episodeId, showId: randomUUID() } }));
    await xadd(before);
    const cache = new EntityCache({ ...DEFAULT_ENTITY_CACHE, enabled: true }, null);
    const listener = new PurgeListener(reader, cache, prefix, pino({ level: 'silent' }));
    await listener.start();
    expect(cache.live).toBe(true);
    const calls: string[] = [];
    const read = (id: string) =>
      cache.fetch('catalog', { query: '{_entities}', variables: { representations: [{ __typename: 'Episode', id }] } }, async () => {
        calls.push(id);
        return { data: { _entities: [{ __typename: 'Episode', title: 'x' }] }, [CACHE_POLICY]: { maxAge: 60, scope: 'PUBLIC' } };
      });
    await read(before);
    await read(after);
    await xadd(after);
    const deadline = Date.now() + 5_000;
    while (cache.stats.purged < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await read(before);
    await read(after);
    expect(calls).toEqual([before, after, after]);
    await listener.stop();
    expect(cache.live).toBe(false);
  });
});

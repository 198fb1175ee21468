import { randomUUID } from 'node:crypto';
import { DEFAULT_JETSTREAM, JetStreamContext, JetStreamRelay, type EventEnvelope } from '@wavegraph/events';
import { eventually, startPrivateNats, type PrivateNats } from '@wavegraph/testkit';
import pino from 'pino';
import { EntityCache } from './entity-cache';
import { NatsPurgeListener } from './nats-purge-listener';
import { CACHE_POLICY } from './policy';
import { DEFAULT_ENTITY_CACHE } from './settings';

describe('NatsPurgeListener', () => {
  let nats: PrivateNats;
  let context: JetStreamContext;
  const prefix = `wgcache:test:${randomUUID()}`;

  beforeAll(async () => {
    nats = await startPrivateNats();
    context = await JetStreamContext.connect({ ...DEFAULT_JETSTREAM, servers: nats.url, partitions: 4 }, prefix, 'purge-spec');
  });
  afterAll(async () => {
    await context.close();
    await nats.destroy();
  });

  const updated = (episodeId: string): EventEnvelope => ({
    id: randomUUID(), type: 'catalog.EpisodeUpdated', version: 1, occurredAt: new Date().toISOString(), aggregateId: episodeId, position: 1, trace: {},
    payload: { episodeId, showId: randomUUID(), title: 't' },
  });

  it('purges the entities of events published on JetStream after it started, and is off while NATS is away', async () => {
    const relay = new JetStreamRelay(context);
    const before = randomUUID();
    const after = randomUUID();
    expect((await relay.publish('catalog', [updated(before)])).sent).toBe(1);
    const cache = new EntityCache({ ...DEFAULT_ENTITY_CACHE, enabled: true, eventsTransport: 'nats', natsUrl: nats.url }, null);
    const listener = new NatsPurgeListener(nats.url, cache, prefix, pino({ level: 'silent' }));
    await listener.start();
    try {
      expect(cache.live).toBe(true);
      const calls: string[] = [];
      const read = (id: string) =>
        cache.fetch('catalog', { query: '{_entities}', variables: { representations: [{ __typename: 'Episode', id }] } }, async () => {
          calls.push(id);
          return { data: { _entities: [{ __typename: 'Episode', title: 'x' }] }, [CACHE_POLICY]: { maxAge: 60, scope: 'PUBLIC' } };
        });
      await read(before);
      await read(after);
      expect((await relay.publish('catalog', [updated(after)])).sent).toBe(1);
      await eventually(async () => cache.stats.purged >= 1, 5_000, 10);
      await read(before);
      await read(after);
      // the event before it started purged nothing; the one after did
      expect(calls).toEqual([before, after, after]);

      // events published while NATS is away are not seen: the cache is off and emptied, on again once it is back
      await nats.stop();
      await eventually(async () => !cache.live, 5_000, 20);
      await nats.start();
      await eventually(async () => cache.live, 10_000, 50);
      await read(before);
      expect(calls).toEqual([before, after, after, before]);
    } finally {
      await listener.stop();
    }
    expect(cache.live).toBe(false);
  });
});

import { readEvents, type EventEnvelope } from '@wavegraph/events';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { connectRedis, type Redis } from '@wavegraph/kit';
import { createEpisode, createShow, errorOf, startCatalog, transition, viewer, type CatalogHarness } from '../testing/harness';

let h: CatalogHarness;
let redis: Redis;
const owner = viewer();

beforeAll(async () => {
  h = await startCatalog();
  redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'catalog-events-spec' });
});
afterAll(async () => {
  redis.disconnect();
  await h.stop();
});

/** Waits until the relay has put `count` events on the catalog stream. */
const streamed = (count: number): Promise<EventEnvelope[]> =>
  eventually(async () => {
    const events = await readEvents(redis, h.redisPrefix, 'catalog');
    expect(events.length).toBeGreaterThanOrEqual(count);
    return events;
  });

describe('catalog events', () => {
  it('records each change with a snapshot and relays them to the catalog stream in order', async () => {
    const show = await createShow(h, owner, { title: 'Signals', category: 'SCIENCE', language: 'en' });
    await h.call('mutation($id: ID!) { updateShow(id: $id, input: { title: "Signals & Noise" }) { id } }', { id: show.id }, owner);
    const episodeId = await createEpisode(h, owner, show.id, { title: 'Pilot' });
    await transition(h, owner, 'publishEpisode', episodeId);
    await transition(h, owner, 'unpublishEpisode', episodeId);
    await transition(h, owner, 'archiveEpisode', episodeId);
    // archiving again is accepted and changes nothing, so it says nothing
    await transition(h, owner, 'archiveEpisode', episodeId);

    const events = await streamed(6);
    expect(events.map((e) => e.type)).toEqual([
      'catalog.ShowCreated',
      'catalog.ShowUpdated',
      'catalog.EpisodeCreated',
      'catalog.EpisodePublished',
      'catalog.EpisodeUnpublished',
      'catalog.EpisodeArchived',
    ]);
    expect(events[1]).toMatchObject({ aggregateId: show.id, version: 1, payload: { showId: show.id, ownerId: owner.id, title: 'Signals & Noise', category: 'SCIENCE' } });
    expect(events[3].payload).toMatchObject({ episodeId, showId: show.id, ownerId: owner.id, title: 'Pilot', status: 'PUBLISHED', publishedAt: expect.any(String) });
    expect(events[4].payload).toMatchObject({ status: 'DRAFT', publishedAt: null });
    expect(events[5].payload).toMatchObject({ status: 'ARCHIVED' });
    expect(await h.count('outbox')).toBe(6);
    const positions = events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(events.every((e) => typeof e.trace.requestId === 'string' && e.trace.requestId.length > 0)).toBe(true);
  });

  it('records nothing when a change is refused', async () => {
    const show = await createShow(h, owner);
    const before = await h.count('outbox');
    const stranger = viewer();
    const refused = await h.call('mutation($id: ID!) { updateShow(id: $id, input: { title: "Mine now" }) { id } }', { id: show.id }, stranger);
    expect(errorOf(refused).code).toBe('FORBIDDEN');
    const invalid = await h.call('mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId: show.id, title: '' } }, owner);
    expect(errorOf(invalid).code).toBe('BAD_USER_INPUT');
    const episodeId = await createEpisode(h, owner, show.id);
    const wrongState = await transition(h, owner, 'unpublishEpisode', episodeId);
    expect(errorOf(wrongState).code).toBe('BAD_USER_INPUT');
    // only the one episode that was really created
    expect(await h.count('outbox')).toBe(before + 1);
  });
});

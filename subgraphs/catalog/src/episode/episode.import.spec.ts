import { createEpisode, createShow, errorOf, startCatalog, viewer, type CatalogHarness } from '../testing/harness';

const IMPORT = `mutation($showId: ID!, $episodes: [ImportEpisodeInput!]!) {
  importEpisodes(showId: $showId, episodes: $episodes) { created episode { id guid title status publishedAt seasonNumber episodeNumber } }
}`;

interface Imported {
  importEpisodes: Array<{ created: boolean; episode: { id: string; guid: string; title: string; status: string; publishedAt: string | null; seasonNumber: number | null; episodeNumber: number | null } }>;
}

describe('importEpisodes', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await startCatalog();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const eventsOf = async (ids: string[]): Promise<Array<{ aggregate_id: string; type: string; status: string }>> =>
    h.running.db.dataSource.query("SELECT aggregate_id, type, payload->>'status' AS status FROM outbox WHERE aggregate_id = ANY($1) ORDER BY position", [ids]);

  it('creates the rows in input order, published with the feed date, each with the events of the single-episode path', async () => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const res = await h.call<Imported>(IMPORT, {
      showId,
      episodes: [
        { guid: 'feed-1', title: 'First', published: true, publishedAt: '2024-01-01T10:00:00.000Z', seasonNumber: 1, episodeNumber: 1 },
        { guid: 'feed-2', title: 'Second', published: true, publishedAt: '2024-02-01T10:00:00.000Z', seasonNumber: 1, episodeNumber: 2 },
        { guid: 'feed-3', title: 'A draft' },
      ],
    }, owner);
    expect(res.errors).toBeUndefined();
    const rows = res.data!.importEpisodes;
    expect(rows.map((r) => [r.created, r.episode.guid, r.episode.title, r.episode.status, r.episode.publishedAt])).toEqual([
      [true, 'feed-1', 'First', 'PUBLISHED', '2024-01-01T10:00:00.000Z'],
      [true, 'feed-2', 'Second', 'PUBLISHED', '2024-02-01T10:00:00.000Z'],
      [true, 'feed-3', 'A draft', 'DRAFT', null],
    ]);
    const [one, two, draft] = rows.map((r) => r.episode.id);
    expect(await eventsOf([one, two, draft])).toEqual([
      { aggregate_id: one, type: 'catalog.EpisodeCreated', status: 'DRAFT' },
      { aggregate_id: one, type: 'catalog.EpisodePublished', status: 'PUBLISHED' },
      { aggregate_id: two, type: 'catalog.EpisodeCreated', status: 'DRAFT' },
      { aggregate_id: two, type: 'catalog.EpisodePublished', status: 'PUBLISHED' },
      { aggregate_id: draft, type: 'catalog.EpisodeCreated', status: 'DRAFT' },
    ]);
  });

  it('publishes undated rows a millisecond apart in input order, and a pubDate in the future as now', async () => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const before = Date.now();
    const res = await h.call<Imported>(IMPORT, {
      showId,
      episodes: [{ guid: 'u1', title: 'U1', published: true }, { guid: 'u2', title: 'U2', published: true }, { guid: 'f', title: 'Future', published: true, publishedAt: '2999-01-01T00:00:00.000Z' }],
    }, owner);
    const [u1, u2, future] = res.data!.importEpisodes.map((r) => Date.parse(r.episode.publishedAt!));
    expect(u1).toBeLessThan(u2);
    expect(u2).toBeLessThanOrEqual(Date.now());
    expect(future).toBeGreaterThanOrEqual(before - 1000);
    expect(future).toBeLessThanOrEqual(Date.now());
  });

  it('is idempotent by guid: a known guid is returned unchanged, not duplicated, and records nothing', async () => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const first = await h.call<Imported>(IMPORT, { showId, episodes: [{ guid: 'same', title: 'Original', published: true, publishedAt: '2023-05-05T00:00:00.000Z' }] }, owner);
    const original = first.data!.importEpisodes[0].episode;
    // a creator's own episode answers to its id as guid
    const own = await createEpisode(h, owner, showId, { title: 'Made here' });
    const outboxBefore = await h.count('outbox');
    const again = await h.call<Imported>(IMPORT, {
      showId,
      episodes: [
        { guid: 'new-one', title: 'New' },
        { guid: 'same', title: 'Changed title', published: true, publishedAt: '2025-01-01T00:00:00.000Z' },
        { guid: own, title: 'Not me' },
      ],
    }, owner);
    expect(again.errors).toBeUndefined();
    const rows = again.data!.importEpisodes;
    expect(rows.map((r) => r.created)).toEqual([true, false, false]);
    expect(rows[1].episode).toEqual(original);
    expect(rows[2].episode).toMatchObject({ id: own, title: 'Made here', status: 'DRAFT' });
    expect(Number((await h.running.db.dataSource.query('SELECT count(*) AS n FROM episodes WHERE show_id = $1', [showId]))[0].n)).toBe(3);
    expect(await h.count('outbox')).toBe(outboxBefore + 1);
    // the same guid in another show is another episode
    const { id: otherShow } = await createShow(h, owner);
    expect((await h.call<Imported>(IMPORT, { showId: otherShow, episodes: [{ guid: 'same', title: 'Elsewhere' }] }, owner)).data?.importEpisodes[0].created).toBe(true);
  });

  it.each([
    ['a blank title', { title: '' }, 'title'],
    ['a title too long', { title: 'x'.repeat(201) }, 'title'],
    ['a description too long', { description: 'x'.repeat(5001) }, 'description'],
    ['a zero season', { seasonNumber: 0 }, 'seasonNumber'],
    ['a blank guid', { guid: '' }, 'guid'],
    ['a guid given twice', { guid: 'row-0' }, 'guid'],
  ])('refuses the whole call for one row with %s, naming the row, and writes nothing', async (_label, override, field) => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const [episodes, outbox] = [await h.count('episodes'), await h.count('outbox')];
    const res = await h.call(IMPORT, { showId, episodes: [{ guid: 'row-0', title: 'Fine' }, { guid: 'row-1', title: 'Fine too' }, { guid: 'row-2', title: 'Bad', ...override }] }, owner);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0]?.extensions?.row).toBe(2);
    expect([await h.count('episodes'), await h.count('outbox')]).toEqual([episodes, outbox]);
  });

  it('rolls back rows already inserted when a later row conflicts on its season and episode number', async () => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const [episodes, outbox] = [await h.count('episodes'), await h.count('outbox')];
    const res = await h.call(IMPORT, { showId, episodes: [{ guid: 'a', title: 'A', seasonNumber: 1, episodeNumber: 1, published: true }, { guid: 'b', title: 'B', seasonNumber: 1, episodeNumber: 1 }] }, owner);
    expect(errorOf(res)).toEqual({ code: 'CONFLICT', field: 'episodeNumber' });
    expect(res.errors?.[0]?.extensions?.row).toBe(1);
    expect([await h.count('episodes'), await h.count('outbox')]).toEqual([episodes, outbox]);
  });

  it('refuses more than 100 rows', async () => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const episodes = Array.from({ length: 101 }, (_, i) => ({ guid: `g-${i}`, title: `E${i}` }));
    expect(errorOf(await h.call(IMPORT, { showId, episodes }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'episodes' });
    expect((await h.call<Imported>(IMPORT, { showId, episodes: episodes.slice(0, 100) }, owner)).data?.importEpisodes).toHaveLength(100);
  });

  it('is for the show\'s owner and staff only', async () => {
    const owner = viewer();
    const { id: showId } = await createShow(h, owner);
    const before = await h.count('episodes');
    expect(errorOf(await h.call(IMPORT, { showId, episodes: [{ guid: 'x', title: 'Mine now' }] }, viewer()))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(IMPORT, { showId, episodes: [{ guid: 'x', title: 'Anon' }] })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.call(IMPORT, { showId: 'nope', episodes: [] }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'showId' });
    expect(await h.count('episodes')).toBe(before);
    expect((await h.call<Imported>(IMPORT, { showId, episodes: [{ guid: 'x', title: 'By an editor' }] }, viewer('EDITOR'))).data?.importEpisodes[0].created).toBe(true);
  });
});

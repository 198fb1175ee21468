import { randomUUID } from 'node:crypto';
import { createShow, errorOf, startCatalog, viewer, type CatalogHarness } from '../testing/harness';
import { EpisodeStatus } from './episode.entity';

const LIST = 'query($showId: ID, $first: Int, $after: String) { episodes(showId: $showId, first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
const SHOW_EPISODES = 'query($id: ID!, $first: Int, $after: String) { show(id: $id) { episodes(first: $first, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } } }';

type Connection = { edges: { cursor: string; node: { id: string; status?: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const ids = (connection: Connection | undefined) => connection?.edges.map((e) => e.node.id);

describe('episode lists', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await startCatalog();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('lists, pagination and batching', () => {
    const showIds: string[] = [];
    beforeAll(async () => {
      // bulk rows straight into the database: 3 shows × 20 published episodes, one minute apart
      const owner = viewer();
      for (let s = 0; s < 3; s += 1) showIds.push((await createShow(h, owner, { category: 'COMEDY' })).id);
      const repo = h.running.services.episodes.repo;
      const base = Date.now() - 3_600_000;
      await repo.save(
        Array.from({ length: 60 }, (_, i) =>
          repo.create({ showId: showIds[i % 3], title: `Bulk ${i}`, description: '', status: EpisodeStatus.PUBLISHED, publishedAt: new Date(base + i * 60_000) }),
        ),
      );
    });

    it('pages the public list newest publishedAt first without overlap, with stable cursors', async () => {
      const all = await h.call<{ episodes: Connection }>(LIST, { showId: showIds[0], first: 100 });
      const order = ids(all.data?.episodes)!;
      expect(order).toHaveLength(20);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const res: { data?: { episodes: Connection } | null } = await h.call<{ episodes: Connection }>(LIST, { showId: showIds[0], first: 7, after });
        seen.push(...ids(res.data?.episodes)!);
        after = res.data!.episodes.pageInfo.hasNextPage ? res.data!.episodes.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(order);
      const titles = await h.call<{ episodes: { edges: { node: { title: string } }[] } }>(
        'query($showId: ID) { episodes(showId: $showId, first: 3) { edges { node { title } } } }',
        { showId: showIds[0] },
      );
      expect(titles.data?.episodes.edges.map((e) => e.node.title)).toEqual(['Bulk 57', 'Bulk 54', 'Bulk 51']);
      const cursor = all.data!.episodes.edges[4].cursor;
      const fromCursor = await h.call<{ episodes: Connection }>(LIST, { showId: showIds[0], first: 3, after: cursor });
      expect(ids(fromCursor.data?.episodes)).toEqual(order.slice(5, 8));
    });

    it('pages show.episodes the same way', async () => {
      const first = await h.call<{ show: { episodes: Connection } }>(SHOW_EPISODES, { id: showIds[1], first: 15 });
      const second = await h.call<{ show: { episodes: Connection } }>(SHOW_EPISODES, { id: showIds[1], first: 15, after: first.data!.show.episodes.pageInfo.endCursor });
      expect(ids(first.data?.show.episodes)).toHaveLength(15);
      expect(ids(second.data?.show.episodes)).toHaveLength(5);
      expect(second.data?.show.episodes.pageInfo.hasNextPage).toBe(false);
      expect(new Set([...ids(first.data?.show.episodes)!, ...ids(second.data?.show.episodes)!]).size).toBe(20);
    });

    it.each([
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ after: Buffer.from(JSON.stringify(['2024-01-01T00:00:00.000Z'])).toString('base64url') }, 'after'],
    ])('rejects %j with BAD_USER_INPUT', async (variables, field) => {
      expect(errorOf(await h.call(LIST, variables))).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(errorOf(await h.call(SHOW_EPISODES, { id: showIds[0], ...variables }))).toEqual({ code: 'BAD_USER_INPUT', field });
    });

    it('lists episodes with their show in the same number of queries for 5 or 50 episodes', async () => {
      const query = 'query($first: Int) { episodes(first: $first) { edges { node { id show { id title } } } } }';
      const costOf = async (first: number) => {
        h.running.db.queries.reset();
        const res = await h.call<{ episodes: Connection }>(query, { first });
        expect(res.data?.episodes.edges).toHaveLength(first);
        return h.running.db.queries.count();
      };
      const small = await costOf(5);
      const large = await costOf(50);
      expect(large).toBe(small);
      expect(large).toBe(2);
    });

    it('loads the episodes of many shows with one query per level, not per show', async () => {
      const query = '{ shows(first: 20, category: COMEDY) { edges { node { id episodes(first: 4) { edges { node { id show { id } } } } } } } }';
      h.running.db.queries.reset();
      const res = await h.call<{ shows: { edges: { node: { id: string; episodes: Connection } }[] } }>(query);
      expect(res.data?.shows.edges).toHaveLength(3);
      for (const edge of res.data!.shows.edges) expect(edge.node.episodes.edges).toHaveLength(4);
      // shows, their episodes, and the shows of those episodes
      expect(h.running.db.queries.count()).toBe(3);
    });

    it('resolves Episode references in one query', async () => {
      const list = await h.call<{ episodes: Connection }>(LIST, { first: 10 });
      const wanted = ids(list.data?.episodes)!;
      h.running.db.queries.reset();
      const res = await h.call<{ _entities: ({ id: string } | null)[] }>(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { id title } } }',
        { r: [...wanted, randomUUID(), 'garbage'].map((id) => ({ __typename: 'Episode', id })) },
      );
      expect(res.data?._entities.map((e) => e?.id ?? null)).toEqual([...wanted, null, null]);
      expect(h.running.db.queries.count()).toBe(1);
    });
  });
});

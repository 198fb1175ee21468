import { encodeCursor } from '@wavegraph/kit';
import { ShowUpdated } from '@wavegraph/events';
import { createShow, emit, errorOf, publishEpisode, settle, startDiscovery, type DiscoveryHarness } from '../testing/harness';

const BROWSE = `query($category: ShowCategory, $subcategory: ShowSubcategory, $language: String, $first: Int, $after: String) {
  browse(category: $category, subcategory: $subcategory, language: $language, first: $first, after: $after) {
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
type Browse = { browse: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } } };

describe('browse', () => {
  let h: DiscoveryHarness;
  const newestFirst: string[] = [];
  const techEn: string[] = [];
  const historyFr: string[] = [];

  const browse = async (variables: Record<string, unknown>) => {
    const res = await h.call<Browse>(BROWSE, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.browse;
  };
  const ids = (connection: Browse['browse']) => connection.edges.map((e) => e.node.id);

  beforeAll(async () => {
    h = await startDiscovery();
    const tech = await createShow(h, { category: 'TECHNOLOGY', language: 'en' });
    const history = await createShow(h, { category: 'HISTORY', language: 'fr' });
    const base = Date.parse('2025-03-01T12:00:00.000Z');
    const published: { id: string; at: number }[] = [];
    for (let i = 0; i < 9; i += 1) {
      const show = i % 3 === 0 ? history : tech;
      // two episodes share every timestamp: ties are broken by id
      const at = base + Math.floor(i / 2) * 60_000;
      const episode = await publishEpisode(h, show.showId, { publishedAt: new Date(at).toISOString() });
      published.push({ id: episode.episodeId, at });
      (show === tech ? techEn : historyFr).push(episode.episodeId);
    }
    published.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
    newestFirst.push(...published.map((p) => p.id));
    await settle(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('lists published episodes newest first and pages them without overlap', async () => {
    expect(ids(await browse({ first: 100 }))).toEqual(newestFirst);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const connection: Browse['browse'] = await browse({ first: 3, after });
      seen.push(...ids(connection));
      expect(connection.pageInfo).toMatchObject({ hasPreviousPage: page > 0, hasNextPage: page < 2 });
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('filters by the category and language of the show', async () => {
    expect(ids(await browse({ category: 'HISTORY' }))).toEqual(newestFirst.filter((id) => historyFr.includes(id)));
    expect(ids(await browse({ language: 'en' }))).toEqual(newestFirst.filter((id) => techEn.includes(id)));
    expect(ids(await browse({ category: 'HISTORY', language: 'en' }))).toEqual([]);
    const page1 = await browse({ category: 'TECHNOLOGY', first: 4 });
    const page2 = await browse({ category: 'TECHNOLOGY', first: 4, after: page1.pageInfo.endCursor });
    expect([...ids(page1), ...ids(page2)]).toEqual(newestFirst.filter((id) => techEn.includes(id)));
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('answers a page in one query', async () => {
    h.running.db.queries.reset();
    expect(ids(await browse({ first: 7, language: 'en' }))).toHaveLength(6);
    expect(h.running.db.queries.count()).toBe(1);
  });

  it.each([
    [{ category: 'CARS' }, 'category'],
    [{ subcategory: 'KNITTING' }, 'subcategory'],
    [{ category: 'NEWS', subcategory: 'DOCUMENTARY' }, 'subcategory'],
    [{ language: 'EN' }, 'language'],
    [{ first: 0 }, 'first'],
    [{ after: 'nope' }, 'after'],
    [{ after: encodeCursor(['yesterday', 'x']) }, 'after'],
  ])('rejects %j with BAD_USER_INPUT', async (variables, field) => {
    expect(errorOf(await h.call(BROWSE, variables))).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it("filters by the show's subcategory, following the show's events; a show from before subcategories has none", async () => {
    const documentary = await createShow(h, { category: 'SOCIETY', subcategory: 'DOCUMENTARY', language: 'pt-BR' });
    const journals = await createShow(h, { category: 'SOCIETY', subcategory: 'PERSONAL_JOURNALS', language: 'pt-BR' });
    const older = await createShow(h, { category: 'SOCIETY', language: 'pt-BR' });
    const [d, j, o] = [await publishEpisode(h, documentary.showId), await publishEpisode(h, journals.showId), await publishEpisode(h, older.showId)];
    await settle(h);
    const all = ids(await browse({ category: 'SOCIETY', language: 'pt-BR' }));
    expect(new Set(all)).toEqual(new Set([d.episodeId, j.episodeId, o.episodeId]));
    expect(ids(await browse({ subcategory: 'DOCUMENTARY' }))).toEqual([d.episodeId]);
    expect(ids(await browse({ category: 'SOCIETY', subcategory: 'PERSONAL_JOURNALS', language: 'pt-BR' }))).toEqual([j.episodeId]);
    expect(ids(await browse({ subcategory: 'PERSONAL_JOURNALS', language: 'en' }))).toEqual([]);

    await emit(h, ShowUpdated, journals.showId, { ...journals, subcategory: 'DOCUMENTARY' });
    await settle(h);
    expect(new Set(ids(await browse({ subcategory: 'DOCUMENTARY' })))).toEqual(new Set([d.episodeId, j.episodeId]));
    expect(ids(await browse({ subcategory: 'PERSONAL_JOURNALS' }))).toEqual([]);
  });
});

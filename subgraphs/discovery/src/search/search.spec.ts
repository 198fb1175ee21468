import { EpisodeCreated } from '@wavegraph/events';
import { createShow, emit, episodeSnapshot, errorOf, publishEpisode, settle, startDiscovery, type DiscoveryHarness, type EpisodeSnapshot, type ShowSnapshot } from '../testing/harness';

const SEARCH = `query($query: String!, $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $query, filter: $filter, first: $first, after: $after) {
    edges { cursor node { kind score highlight episode { id } show { id } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
type Hit = { kind: string; score: number; highlight: string | null; episode: { id: string } | null; show: { id: string } | null };
type SearchResult = { search: { edges: { cursor: string; node: Hit }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } } };

describe('search', () => {
  let h: DiscoveryHarness;
  let code: ShowSnapshot;
  let empires: ShowSnapshot;
  let inTitle: EpisodeSnapshot;
  let inDescription: EpisodeSnapshot;
  let draft: EpisodeSnapshot;
  let techZeppelin: EpisodeSnapshot;
  let historyZeppelin: EpisodeSnapshot;

  const search = (query: string, extra: Record<string, unknown> = {}) => h.call<SearchResult>(SEARCH, { query, ...extra });
  const hitIds = (res: { data?: SearchResult | null }) => res.data?.search.edges.map((e) => e.node.episode?.id ?? e.node.show?.id);

  beforeAll(async () => {
    h = await startDiscovery();
    code = await createShow(h, { title: 'Code Talk', description: 'Weekly chat about software', category: 'TECHNOLOGY', language: 'en' });
    empires = await createShow(h, { title: 'Old Empires', description: 'Histoire ancienne', category: 'HISTORY', language: 'fr' });
    inTitle = await publishEpisode(h, code.showId, { title: 'Python in production', description: 'Deploying services safely' });
    inDescription = await publishEpisode(h, code.showId, { title: 'Weekly roundup', description: 'We discuss python packaging & <b>tools</b> at length' });
    draft = episodeSnapshot(code.showId, { title: 'Python secrets', status: 'DRAFT', publishedAt: null });
    await emit(h, EpisodeCreated, draft.episodeId, draft);
    techZeppelin = await publishEpisode(h, code.showId, { title: 'Zeppelin engines' });
    historyZeppelin = await publishEpisode(h, empires.showId, { title: 'Zeppelin voyages' });
    for (let i = 0; i < 30; i += 1) await publishEpisode(h, code.showId, { title: `Bulk lecture ${i}` });
    await settle(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('ranks a title match above a description match and leaves out unpublished episodes', async () => {
    const res = await search('python');
    expect(res.errors).toBeUndefined();
    expect(hitIds(res)).toEqual([inTitle.episodeId, inDescription.episodeId]);
    const [first, second] = res.data!.search.edges.map((e) => e.node);
    expect(first).toMatchObject({ kind: 'EPISODE', show: null, highlight: '<mark>Python</mark> in production' });
    expect(first.score).toBeGreaterThan(second.score);
  });

  it('highlights matches in the description with <mark>, leaving no markup of the creator in it', async () => {
    const res = await search('python packaging');
    const hit = res.data!.search.edges[0].node;
    expect(hit.episode?.id).toBe(inDescription.episodeId);
    // ts_headline drops tags; what remains is HTML-escaped, so only our <mark> is markup
    expect(hit.highlight).toBe('We discuss <mark>python</mark> <mark>packaging</mark> &amp;  tools  at length');
  });

  it('matches the last word as a prefix and forgives a typo in a title', async () => {
    expect(hitIds(await search('pyth'))).toEqual([inTitle.episodeId, inDescription.episodeId]);
    expect(hitIds(await search('weekly round'))).toEqual([inDescription.episodeId]);
    const typo = await search('pythn');
    expect(hitIds(typo)).toEqual([inTitle.episodeId]);
    expect(typo.data!.search.edges[0].node.highlight).toBeNull();
    expect(hitIds(await search('zepelin'))).toEqual(expect.arrayContaining([techZeppelin.episodeId, historyZeppelin.episodeId]));
  });

  it('finds shows by title and description', async () => {
    const res = await search('code talk');
    expect(res.data!.search.edges[0].node).toMatchObject({ kind: 'SHOW', episode: null, show: { id: code.showId }, highlight: '<mark>Code</mark> <mark>Talk</mark>' });
    expect(hitIds(await search('histoire'))).toEqual([empires.showId]);
  });

  it('filters by subcategory (an episode takes it from its show), refusing one of another category', async () => {
    const books = await createShow(h, { title: 'Paper Dirigibles', category: 'ARTS', subcategory: 'BOOKS', language: 'en' });
    const design = await createShow(h, { title: 'Dirigible Design', category: 'ARTS', subcategory: 'DESIGN', language: 'en' });
    const episode = await publishEpisode(h, books.showId, { title: 'Dirigibles in novels' });
    await settle(h);
    expect(new Set(hitIds(await search('dirigible', { filter: { category: 'ARTS' } })))).toEqual(new Set([books.showId, design.showId, episode.episodeId]));
    expect(new Set(hitIds(await search('dirigible', { filter: { subcategory: 'BOOKS' } })))).toEqual(new Set([books.showId, episode.episodeId]));
    expect(hitIds(await search('dirigible', { filter: { subcategory: 'BOOKS', kind: 'SHOW' } }))).toEqual([books.showId]);
    expect(hitIds(await search('dirigible', { filter: { subcategory: 'DOCUMENTARY' } }))).toEqual([]);
    expect(errorOf(await search('dirigible', { filter: { category: 'HISTORY', subcategory: 'BOOKS' } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
  });

  it('filters by category, language and kind (an episode takes them from its show)', async () => {
    expect(hitIds(await search('zeppelin'))).toHaveLength(2);
    expect(hitIds(await search('zeppelin', { filter: { category: 'HISTORY' } }))).toEqual([historyZeppelin.episodeId]);
    expect(hitIds(await search('zeppelin', { filter: { language: 'en' } }))).toEqual([techZeppelin.episodeId]);
    expect(hitIds(await search('zeppelin', { filter: { category: 'HISTORY', language: 'en' } }))).toEqual([]);
    expect(hitIds(await search('empires'))).toEqual([empires.showId]);
    expect(hitIds(await search('empires', { filter: { kind: 'EPISODE' } }))).toEqual([]);
    expect(hitIds(await search('python', { filter: { kind: 'SHOW' } }))).toEqual([]);
  });

  it('pages ranked results with opaque cursors, without overlap', async () => {
    const all = hitIds(await search('bulk', { first: 100 }))!;
    expect(all).toHaveLength(30);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const res: { data?: SearchResult | null } = await search('bulk', { first: 10, after });
      const { edges, pageInfo } = res.data!.search;
      seen.push(...edges.map((e) => e.node.episode!.id));
      expect(pageInfo).toMatchObject({ hasPreviousPage: page > 0, hasNextPage: page < 2 });
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('answers in one SQL query however many hits, and from the cache when asked again', async () => {
    const costOf = async (first: number) => {
      h.running.db.queries.reset();
      const res = await search('lecture', { first });
      expect(res.data?.search.edges).toHaveLength(first);
      return h.running.db.queries.count();
    };
    expect(await costOf(3)).toBe(1);
    expect(await costOf(25)).toBe(1);
    expect(await costOf(25)).toBe(0);
  });

  it.each([
    [{ query: '   ' }, 'query'],
    [{ query: 'x'.repeat(201) }, 'query'],
    [{ query: 'python', filter: { category: 'CARS' } }, 'category'],
    [{ query: 'python', filter: { language: 'english' } }, 'language'],
    [{ query: 'python', first: 0 }, 'first'],
    [{ query: 'python', first: 101 }, 'first'],
    [{ query: 'python', after: 'garbage' }, 'after'],
    [{ query: 'python', after: Buffer.from(JSON.stringify(['-1'])).toString('base64url') }, 'after'],
  ])('rejects %j with BAD_USER_INPUT', async (variables, field) => {
    expect(errorOf(await h.call(SEARCH, variables))).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it('accepts 200 characters and text without words (which matches nothing)', async () => {
    expect((await search(`python ${'a'.repeat(193)}`)).errors).toBeUndefined();
    expect(hitIds(await search('!!! ???'))).toEqual([]);
  });

  it('resolves Episode and Show references without touching the database', async () => {
    h.running.db.queries.reset();
    const res = await h.call<{ _entities: { id: string }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { id } ... on Show { id } } }',
      { r: [{ __typename: 'Episode', id: inTitle.episodeId }, { __typename: 'Show', id: code.showId }] },
    );
    expect(res.data?._entities).toEqual([{ id: inTitle.episodeId }, { id: code.showId }]);
    expect(h.running.db.queries.count()).toBe(0);
  });
});

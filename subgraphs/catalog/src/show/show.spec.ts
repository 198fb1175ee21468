import { randomUUID } from 'node:crypto';
import { createShow, errorOf, startCatalog, uniqueSlug, viewer, type CatalogHarness } from '../testing/harness';

const CREATE = 'mutation($input: CreateShowInput!) { createShow(input: $input) { id slug title description category language artworkUrl owner { id } createdAt } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateShowInput!) { updateShow(id: $id, input: $input) { id title description artworkUrl } }';
const valid = () => ({ slug: uniqueSlug(), title: 'Deep Dives', category: 'SCIENCE', language: 'en-GB' });

describe('shows', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await startCatalog();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('lets a signed-in user create a show they own, readable by anyone by id and slug', async () => {
    const owner = viewer();
    const input = { ...valid(), description: 'Long form science', artworkUrl: 'https://cdn.example.com/a.png' };
    const res = await h.call<{ createShow: Record<string, unknown> }>(CREATE, { input }, owner);
    expect(res.errors).toBeUndefined();
    expect(res.data?.createShow).toMatchObject({ ...input, owner: { id: owner.id } });
    const id = res.data?.createShow.id as string;

    const byId = await h.call('query($id: ID!) { show(id: $id) { slug title } }', { id });
    expect(byId.data).toEqual({ show: { slug: input.slug, title: 'Deep Dives' } });
    const bySlug = await h.call('query($slug: String!) { showBySlug(slug: $slug) { id } }', { slug: input.slug });
    expect(bySlug.data).toEqual({ showBySlug: { id } });
  });

  it('answers NOT_FOUND for unknown shows and BAD_USER_INPUT for malformed ids', async () => {
    expect(errorOf(await h.call('{ show(id: "' + randomUUID() + '") { id } }'))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(errorOf(await h.call('{ show(id: "not-a-uuid") { id } }'))).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(errorOf(await h.call('{ showBySlug(slug: "no-such-show") { id } }')).code).toBe('NOT_FOUND');
  });

  it('refuses anonymous writes', async () => {
    const res = await h.call(CREATE, { input: valid() });
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['slug', 'too short', { slug: 'ab' }],
    ['slug', 'too long', { slug: 'x'.repeat(81) }],
    ['slug', 'uppercase', { slug: 'Not-Lower' }],
    ['slug', 'double hyphen', { slug: 'double--hyphen' }],
    ['slug', 'leading hyphen', { slug: '-leading' }],
    ['title', 'blank', { title: '   ' }],
    ['title', 'too long', { title: 't'.repeat(201) }],
    ['description', 'too long', { description: 'd'.repeat(5001) }],
    ['category', 'unknown', { category: 'CARS' }],
    ['language', 'a word', { language: 'english' }],
    ['language', 'lowercase region', { language: 'en-gb' }],
    ['artworkUrl', 'http', { artworkUrl: 'http://cdn.example.com/a.png' }],
    ['artworkUrl', 'not a URL', { artworkUrl: 'not a url' }],
    ['artworkUrl', 'too long', { artworkUrl: `https://cdn.example.com/${'a'.repeat(2040)}` }],
  ])('rejects a %s that is %s and writes nothing', async (field, _label, override) => {
    const before = await h.count('shows');
    const res = await h.call(CREATE, { input: { ...valid(), ...override } }, viewer());
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await h.count('shows')).toBe(before);
  });

  it('gives CONFLICT on a duplicate slug and keeps one row', async () => {
    const input = valid();
    await createShow(h, viewer(), { slug: input.slug });
    const before = await h.count('shows');
    const res = await h.call(CREATE, { input }, viewer());
    expect(errorOf(res)).toEqual({ code: 'CONFLICT', field: 'slug' });
    expect(await h.count('shows')).toBe(before);
  });

  describe('updateShow', () => {
    it('lets the owner, editors and admins update; other users get FORBIDDEN; anonymous UNAUTHENTICATED', async () => {
      const owner = viewer();
      const { id } = await createShow(h, owner);
      const byOwner = await h.call(UPDATE, { id, input: { title: 'Renamed', artworkUrl: 'https://x.example/a.jpg' } }, owner);
      expect(byOwner.data).toEqual({ updateShow: { id, title: 'Renamed', description: '', artworkUrl: 'https://x.example/a.jpg' } });
      for (const role of ['EDITOR', 'ADMIN'] as const) {
        const res = await h.call(UPDATE, { id, input: { description: `by ${role}` } }, viewer(role));
        expect(res.errors).toBeUndefined();
      }
      expect(errorOf(await h.call(UPDATE, { id, input: { title: 'Hijacked' } }, viewer())).code).toBe('FORBIDDEN');
      expect(errorOf(await h.call(UPDATE, { id, input: { title: 'Hijacked' } })).code).toBe('UNAUTHENTICATED');
      const after = await h.call('query($id: ID!) { show(id: $id) { title description } }', { id });
      expect(after.data).toEqual({ show: { title: 'Renamed', description: 'by ADMIN' } });
    });

    it('validates changes and writes nothing on error; null clears artwork', async () => {
      const owner = viewer();
      const { id } = await createShow(h, owner, { artworkUrl: 'https://x.example/a.jpg' });
      const bad = await h.call(UPDATE, { id, input: { title: 'New', language: 'xx-yy' } }, owner);
      expect(errorOf(bad)).toEqual({ code: 'BAD_USER_INPUT', field: 'language' });
      const cleared = await h.call(UPDATE, { id, input: { artworkUrl: null } }, owner);
      expect(cleared.data).toEqual({ updateShow: { id, title: 'A show', description: '', artworkUrl: null } });
    });

    it('answers NOT_FOUND for an unknown show', async () => {
      expect(errorOf(await h.call(UPDATE, { id: randomUUID(), input: { title: 'x' } }, viewer('ADMIN'))).code).toBe('NOT_FOUND');
    });
  });

  describe('shows list', () => {
    const LIST = 'query($first: Int, $after: String, $category: ShowCategory, $language: String) { shows(first: $first, after: $after, category: $category, language: $language) { edges { cursor node { id createdAt } } pageInfo { hasNextPage hasPreviousPage endCursor } } }';
    type ListResult = { shows: { edges: { cursor: string; node: { id: string; createdAt: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } } };

    it('pages through a category newest first without overlap, with stable cursors', async () => {
      const owner = viewer();
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) created.push((await createShow(h, owner, { category: 'HISTORY', language: 'fr' })).id);
      await createShow(h, owner, { category: 'HISTORY', language: 'de' });

      const all = await h.call<ListResult>(LIST, { first: 10, category: 'HISTORY', language: 'fr' });
      const order = all.data!.shows.edges.map((e) => e.node.id);
      expect([...order].sort()).toEqual([...created].sort());
      const times = all.data!.shows.edges.map((e) => e.node.createdAt);
      expect(times).toEqual([...times].sort().reverse());

      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page += 1) {
        const res: { data?: ListResult | null } = await h.call<ListResult>(LIST, { first: 2, after, category: 'HISTORY', language: 'fr' });
        const { edges, pageInfo } = res.data!.shows;
        seen.push(...edges.map((e) => e.node.id));
        expect(pageInfo.hasPreviousPage).toBe(page > 0);
        expect(pageInfo.hasNextPage).toBe(page < 2);
        after = pageInfo.endCursor;
      }
      expect(seen).toEqual(order);

      // a cursor keeps pointing at the same place when asked again
      const cursor = all.data!.shows.edges[1].cursor;
      const fromCursor = await h.call<ListResult>(LIST, { first: 2, after: cursor, category: 'HISTORY', language: 'fr' });
      expect(fromCursor.data!.shows.edges.map((e) => e.node.id)).toEqual(order.slice(2, 4));
    });

    it.each([
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'garbage' }, 'after'],
      [{ after: Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url') }, 'after'],
      [{ category: 'CARS' }, 'category'],
    ])('rejects %j with BAD_USER_INPUT', async (variables, field) => {
      expect(errorOf(await h.call(LIST, variables))).toEqual({ code: 'BAD_USER_INPUT', field });
    });
  });

  it('resolves Show references in one query and points owner at the identity user', async () => {
    const owner = viewer();
    const shows = [await createShow(h, owner), await createShow(h, owner), await createShow(h, owner)];
    h.running.db.queries.reset();
    const res = await h.call<{ _entities: unknown[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Show { slug owner { id } } } }',
      { r: [...shows.map((s) => ({ __typename: 'Show', id: s.id })), { __typename: 'Show', id: randomUUID() }] },
    );
    expect(res.data?._entities).toEqual([...shows.map((s) => ({ slug: s.slug, owner: { id: owner.id } })), null]);
    expect(h.running.db.queries.count()).toBe(1);
  });
});

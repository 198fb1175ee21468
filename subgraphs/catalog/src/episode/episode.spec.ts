import { randomUUID } from 'node:crypto';
import { createEpisode, createShow, errorOf, publishedEpisode, startCatalog, transition, viewer, type CatalogHarness } from '../testing/harness';

const EPISODE = 'query($id: ID!) { episode(id: $id) { id title status publishedAt show { id } } }';
const LIST = 'query($showId: ID, $first: Int, $after: String) { episodes(showId: $showId, first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
const SHOW_EPISODES = 'query($id: ID!, $first: Int, $after: String) { show(id: $id) { episodes(first: $first, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } } }';
const CREATE = 'mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id status seasonNumber episodeNumber } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateEpisodeInput!) { updateEpisode(id: $id, input: $input) { id title description seasonNumber episodeNumber } }';

type Connection = { edges: { cursor: string; node: { id: string; status?: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const ids = (connection: Connection | undefined) => connection?.edges.map((e) => e.node.id);

describe('episodes', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await startCatalog();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('goes from draft to published and then anonymous listeners see it everywhere', async () => {
    const owner = viewer();
    const show = await createShow(h, owner);
    const created = await h.call<{ createEpisode: { id: string; status: string } }>(CREATE, { input: { showId: show.id, title: 'Pilot', seasonNumber: 1, episodeNumber: 1 } }, owner);
    expect(created.data?.createEpisode).toMatchObject({ status: 'DRAFT', seasonNumber: 1, episodeNumber: 1 });
    const id = created.data!.createEpisode.id;

    const published = await transition(h, owner, 'publishEpisode', id);
    expect(published.data?.publishEpisode).toMatchObject({ status: 'PUBLISHED', scheduledAt: null });
    expect(Date.parse(String((published.data?.publishEpisode as { publishedAt?: string }).publishedAt))).toBeGreaterThan(Date.now() - 60_000);

    const single = await h.call(EPISODE, { id });
    expect(single.data?.episode).toMatchObject({ id, title: 'Pilot', status: 'PUBLISHED', show: { id: show.id } });
    const list = await h.call<{ episodes: Connection }>(LIST, { showId: show.id });
    expect(ids(list.data?.episodes)).toEqual([id]);
    const ofShow = await h.call<{ show: { episodes: Connection } }>(SHOW_EPISODES, { id: show.id });
    expect(ids(ofShow.data?.show.episodes)).toEqual([id]);
  });

  describe('drafts', () => {
    let owner: ReturnType<typeof viewer>;
    let showId: string;
    let draft: string;
    let live: string;
    beforeAll(async () => {
      owner = viewer();
      showId = (await createShow(h, owner)).id;
      live = await publishedEpisode(h, owner, showId);
      draft = await createEpisode(h, owner, showId, { title: 'Secret draft' });
    });

    it.each([
      ['anonymous', () => null],
      ['a listener', () => viewer('USER')],
    ])('are NOT_FOUND and absent from lists for %s', async (_label, who) => {
      const single = await h.call(EPISODE, { id: draft }, who());
      expect(errorOf(single).code).toBe('NOT_FOUND');
      expect(JSON.stringify(single)).not.toContain('Secret draft');
      expect(ids((await h.call<{ episodes: Connection }>(LIST, { showId }, who())).data?.episodes)).toEqual([live]);
      expect(ids((await h.call<{ show: { episodes: Connection } }>(SHOW_EPISODES, { id: showId }, who())).data?.show.episodes)).toEqual([live]);
      const refs = await h.call<{ _entities: unknown[] }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { id } } }', { r: [{ __typename: 'Episode', id: draft }] }, who());
      expect(refs.data?._entities).toEqual([null]);
    });

    it.each([
      ['the owner', () => owner],
      ['an editor', () => viewer('EDITOR')],
      ['an admin', () => viewer('ADMIN')],
    ])('are visible to %s on the episode and in show.episodes, but never in the public episodes list', async (_label, who) => {
      expect((await h.call(EPISODE, { id: draft }, who())).data?.episode).toMatchObject({ id: draft, status: 'DRAFT', publishedAt: null });
      const ofShow = await h.call<{ show: { episodes: Connection } }>(SHOW_EPISODES, { id: showId }, who());
      expect(ids(ofShow.data?.show.episodes)?.sort()).toEqual([draft, live].sort());
      expect(ids((await h.call<{ episodes: Connection }>(LIST, { showId }, who())).data?.episodes)).toEqual([live]);
    });
  });

  describe('permissions', () => {
    it('lets only the owner, editors and admins create, edit and publish episodes', async () => {
      const owner = viewer();
      const { id: showId } = await createShow(h, owner);
      const stranger = viewer();
      const before = await h.count('episodes');
      expect(errorOf(await h.call(CREATE, { input: { showId, title: 'Mine now' } }, stranger)).code).toBe('FORBIDDEN');
      expect(errorOf(await h.call(CREATE, { input: { showId, title: 'Anon' } })).code).toBe('UNAUTHENTICATED');
      expect(await h.count('episodes')).toBe(before);

      const id = await createEpisode(h, owner, showId);
      expect(errorOf(await h.call(UPDATE, { id, input: { title: 'Hijacked' } }, stranger)).code).toBe('FORBIDDEN');
      expect(errorOf(await h.call(UPDATE, { id, input: { title: 'Hijacked' } })).code).toBe('UNAUTHENTICATED');
      for (const mutation of ['publishEpisode', 'unpublishEpisode', 'archiveEpisode']) {
        expect(errorOf(await transition(h, stranger, mutation, id)).code).toBe('FORBIDDEN');
        expect(errorOf(await transition(h, null, mutation, id)).code).toBe('UNAUTHENTICATED');
      }
      expect((await h.call(EPISODE, { id }, owner)).data?.episode).toMatchObject({ title: 'An episode', status: 'DRAFT' });

      const byEditor = await h.call(CREATE, { input: { showId, title: 'Editor made' } }, viewer('EDITOR'));
      expect(byEditor.errors).toBeUndefined();
      expect((await h.call(UPDATE, { id, input: { title: 'Edited by admin' } }, viewer('ADMIN'))).data?.updateEpisode).toMatchObject({ title: 'Edited by admin' });
      expect((await transition(h, viewer('EDITOR'), 'publishEpisode', id)).data?.publishEpisode).toMatchObject({ status: 'PUBLISHED' });
    });
  });

  describe('validation', () => {
    let owner: ReturnType<typeof viewer>;
    let showId: string;
    beforeAll(async () => {
      owner = viewer();
      showId = (await createShow(h, owner)).id;
    });

    it.each([
      ['title', 'blank', { title: '' }],
      ['title', 'too long', { title: 'x'.repeat(201) }],
      ['description', 'too long', { description: 'x'.repeat(5001) }],
      ['seasonNumber', 'zero', { seasonNumber: 0 }],
      ['episodeNumber', 'negative', { episodeNumber: -3 }],
      ['episodeNumber', 'too large', { episodeNumber: 100_001 }],
      ['showId', 'malformed', { showId: 'show-1' }],
    ])('rejects a %s that is %s with BAD_USER_INPUT and writes nothing', async (field, _label, override) => {
      const before = await h.count('episodes');
      const res = await h.call(CREATE, { input: { showId, title: 'Fine', ...override } }, owner);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(await h.count('episodes')).toBe(before);
    });

    it('answers NOT_FOUND for an unknown show', async () => {
      const res = await h.call(CREATE, { input: { showId: randomUUID(), title: 'Orphan' } }, viewer('ADMIN'));
      expect(errorOf(res).code).toBe('NOT_FOUND');
    });

    it('validates updates and keeps the episode unchanged on error', async () => {
      const id = await createEpisode(h, owner, showId, { title: 'Original' });
      const res = await h.call(UPDATE, { id, input: { title: 'Changed', seasonNumber: 0 } }, owner);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'seasonNumber' });
      expect((await h.call(EPISODE, { id }, owner)).data?.episode).toMatchObject({ title: 'Original' });
      expect(errorOf(await h.call(UPDATE, { id: 'nope', input: { title: 'x' } }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(errorOf(await h.call(UPDATE, { id: randomUUID(), input: { title: 'x' } }, owner)).code).toBe('NOT_FOUND');
    });

    it('gives CONFLICT for a season/episode number already used in the show, on create and on update', async () => {
      await createEpisode(h, owner, showId, { seasonNumber: 2, episodeNumber: 7 });
      const before = await h.count('episodes');
      expect(errorOf(await h.call(CREATE, { input: { showId, title: 'Again', seasonNumber: 2, episodeNumber: 7 } }, owner))).toEqual({ code: 'CONFLICT', field: 'episodeNumber' });
      expect(await h.count('episodes')).toBe(before);

      const other = await createEpisode(h, owner, showId, { seasonNumber: 3, episodeNumber: 7 });
      expect(errorOf(await h.call(UPDATE, { id: other, input: { seasonNumber: 2 } }, owner))).toEqual({ code: 'CONFLICT', field: 'episodeNumber' });
      // the same numbers in another show are fine
      const elsewhere = await createShow(h, owner);
      expect((await h.call(CREATE, { input: { showId: elsewhere.id, title: 'Fine', seasonNumber: 2, episodeNumber: 7 } }, owner)).errors).toBeUndefined();
    });

    it('rejects malformed ids on reads', async () => {
      expect(errorOf(await h.call(EPISODE, { id: 'nope' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(errorOf(await h.call(EPISODE, { id: randomUUID() })).code).toBe('NOT_FOUND');
      expect(errorOf(await h.call(LIST, { showId: 'nope' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'showId' });
    });
  });

});

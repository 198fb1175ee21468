import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { EpisodeUnpublished } from '@wavegraph/events';
import { counts, errorOf, startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const FIELDS = 'id name isPublic owner { id } episodeCount episodes(first: 100) { edges { node { id } } }';
const CREATE = `mutation($name: String!, $isPublic: Boolean) { createPlaylist(name: $name, isPublic: $isPublic) { ${FIELDS} } }`;
const ADD = `mutation($p: ID!, $e: ID!) { addToPlaylist(playlistId: $p, episodeId: $e) { ${FIELDS} } }`;
const REMOVE = `mutation($p: ID!, $e: ID!) { removeFromPlaylist(playlistId: $p, episodeId: $e) { ${FIELDS} } }`;
const REORDER = `mutation($p: ID!, $ids: [ID!]!) { reorderPlaylist(playlistId: $p, episodeIds: $ids) { ${FIELDS} } }`;
const RENAME = 'mutation($id: ID!, $name: String!) { renamePlaylist(id: $id, name: $name) { id name } }';
const VISIBILITY = 'mutation($id: ID!, $v: Boolean!) { setPlaylistVisibility(id: $id, isPublic: $v) { id isPublic } }';
const DELETE = 'mutation($id: ID!) { deletePlaylist(id: $id) }';
const GET = `query($id: ID!) { playlist(id: $id) { ${FIELDS} } }`;
const USER_PLAYLISTS = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { playlists(first: 10) { edges { node { id } } } } } }';

type PlaylistData = { id: string; name: string; isPublic: boolean; owner: { id: string }; episodeCount: number; episodes: { edges: { node: { id: string } }[] } };
const episodesOf = (playlist: PlaylistData | undefined) => playlist?.episodes.edges.map((e) => e.node.id);

describe('playlists', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const create = async (who: Viewer, name = 'Commute', isPublic = false): Promise<PlaylistData> => {
    const res = await h.call<{ createPlaylist: PlaylistData }>(CREATE, { name, isPublic }, who);
    if (!res.data?.createPlaylist) throw new Error(`createPlaylist failed: ${JSON.stringify(res.errors)}`);
    return res.data.createPlaylist;
  };
  const add = async (who: Viewer, playlistId: string, episodeId: string): Promise<PlaylistData> => {
    const res = await h.call<{ addToPlaylist: PlaylistData }>(ADD, { p: playlistId, e: episodeId }, who);
    if (!res.data?.addToPlaylist) throw new Error(`addToPlaylist failed: ${JSON.stringify(res.errors)}`);
    return res.data.addToPlaylist;
  };

  it('creates, fills, removes from, renames and deletes a playlist', async () => {
    const alice = viewer();
    const created = await create(alice, '  Commute  ');
    expect(created).toEqual({ id: created.id, name: 'Commute', isPublic: false, owner: { id: alice.id }, episodeCount: 0, episodes: { edges: [] } });
    const [a, b, c] = [await h.catalog.episode(), await h.catalog.episode(), await h.catalog.episode()];
    await add(alice, created.id, a.episodeId);
    await add(alice, created.id, b.episodeId);
    const full = await add(alice, created.id, c.episodeId);
    expect(episodesOf(full)).toEqual([a.episodeId, b.episodeId, c.episodeId]);
    expect(full.episodeCount).toBe(3);
    expect(errorOf(await h.call(ADD, { p: created.id, e: b.episodeId }, alice))).toEqual({ code: 'CONFLICT', field: 'episodeId' });

    const removed = await h.call<{ removeFromPlaylist: PlaylistData }>(REMOVE, { p: created.id, e: b.episodeId }, alice);
    expect(episodesOf(removed.data?.removeFromPlaylist)).toEqual([a.episodeId, c.episodeId]);
    expect(errorOf(await h.call(REMOVE, { p: created.id, e: b.episodeId }, alice))).toEqual({ code: 'NOT_FOUND', field: undefined });
    // appended after the gap the removal left
    expect(episodesOf(await add(alice, created.id, b.episodeId))).toEqual([a.episodeId, c.episodeId, b.episodeId]);

    expect((await h.call<{ renamePlaylist: { name: string } }>(RENAME, { id: created.id, name: 'Gym' }, alice)).data?.renamePlaylist.name).toBe('Gym');
    expect((await h.call<{ setPlaylistVisibility: { isPublic: boolean } }>(VISIBILITY, { id: created.id, v: true }, alice)).data?.setPlaylistVisibility.isPublic).toBe(true);
    expect((await h.call<{ deletePlaylist: string }>(DELETE, { id: created.id }, alice)).data?.deletePlaylist).toBe(created.id);
    expect(errorOf(await h.call(GET, { id: created.id }, alice))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(await h.running.db.dataSource.query('SELECT 1 FROM playlist_items WHERE playlist_id = $1', [created.id])).toEqual([]);
  });

  it('reorders only by a complete permutation of the listed episodes', async () => {
    const alice = viewer();
    const playlist = await create(alice);
    const eps = [await h.catalog.episode(), await h.catalog.episode(), await h.catalog.episode()];
    const [a, b, c] = eps.map((e) => e.episodeId);
    for (const id of [a, b, c]) await add(alice, playlist.id, id);

    const reordered = await h.call<{ reorderPlaylist: PlaylistData }>(REORDER, { p: playlist.id, ids: [c, a, b] }, alice);
    expect(episodesOf(reordered.data?.reorderPlaylist)).toEqual([c, a, b]);
    for (const ids of [[c, a], [c, a, b, randomUUID()], [c, a, a], [c, a, 'nope'], []]) {
      expect(errorOf(await h.call(REORDER, { p: playlist.id, ids }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'episodeIds' });
    }
    expect(episodesOf((await h.call<{ playlist: PlaylistData }>(GET, { id: playlist.id }, alice)).data?.playlist)).toEqual([c, a, b]);

    // catalog unpublishes `a`: it is no longer listed, the order covers the rest, `a` waits at the end
    await h.catalog.emit(EpisodeUnpublished, a, h.catalog.snapshot(eps[0], 'DRAFT'));
    const shown = (await h.call<{ playlist: PlaylistData }>(GET, { id: playlist.id }, alice)).data?.playlist;
    expect([episodesOf(shown), shown?.episodeCount]).toEqual([[c, b], 2]);
    expect(episodesOf((await h.call<{ reorderPlaylist: PlaylistData }>(REORDER, { p: playlist.id, ids: [b, c] }, alice)).data?.reorderPlaylist)).toEqual([b, c]);
    const positions: { episode_id: string }[] = await h.running.db.dataSource.query(
      'SELECT episode_id FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [playlist.id],
    );
    expect(positions.map((row) => row.episode_id)).toEqual([b, c, a]);
  });

  it('keeps private playlists invisible to others and public ones read-only for them', async () => {
    const alice = viewer();
    const bob = viewer();
    const secret = await create(alice, 'Secret', false);
    const shared = await create(alice, 'Shared', true);
    const { episodeId } = await h.catalog.episode();

    expect(errorOf(await h.call(GET, { id: secret.id }, bob))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(errorOf(await h.call(GET, { id: secret.id }))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect((await h.call<{ playlist: PlaylistData }>(GET, { id: shared.id }, bob)).data?.playlist.name).toBe('Shared');
    expect(errorOf(await h.call(ADD, { p: secret.id, e: episodeId }, bob))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(errorOf(await h.call(ADD, { p: shared.id, e: episodeId }, bob))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(RENAME, { id: shared.id, name: 'Mine' }, bob))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(DELETE, { id: shared.id }, viewer('ADMIN')))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(RENAME, { id: shared.id, name: 'Mine' }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });

    const listOf = async (who: Viewer | null) =>
      (await h.call<{ _entities: { playlists: { edges: { node: { id: string } }[] } }[] }>(USER_PLAYLISTS, { r: [{ __typename: 'User', id: alice.id }] }, who))
        .data?._entities[0].playlists.edges.map((e) => e.node.id);
    expect(await listOf(alice)).toEqual([shared.id, secret.id]);
    expect(await listOf(bob)).toEqual([shared.id]);
    expect(await listOf(null)).toEqual([shared.id]);

    const refs = await h.call<{ _entities: ({ id: string } | null)[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Playlist { id } } }',
      { r: [secret.id, shared.id].map((id) => ({ __typename: 'Playlist', id })) },
      bob,
    );
    expect(refs.data?._entities).toEqual([null, { id: shared.id }]);
  });

  it('refuses bad input and writes nothing', async () => {
    const alice = viewer();
    const playlist = await create(alice);
    const draft = await h.catalog.episode('DRAFT');
    const before = await counts(h, ['playlists', 'playlist_items', 'outbox']);
    expect(errorOf(await h.call(CREATE, { name: ' ' }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(errorOf(await h.call(CREATE, { name: 'x'.repeat(101) }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(errorOf(await h.call(CREATE, { name: 'Anon' }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });
    expect(errorOf(await h.call(RENAME, { id: playlist.id, name: '' }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(errorOf(await h.call(ADD, { p: playlist.id, e: draft.episodeId }, alice))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await h.call(ADD, { p: playlist.id, e: randomUUID() }, alice))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await h.call(ADD, { p: 'nope', e: draft.episodeId }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'playlistId' });
    expect(errorOf(await h.call(ADD, { p: randomUUID(), e: draft.episodeId }, alice))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(await counts(h, ['playlists', 'playlist_items', 'outbox'])).toEqual(before);
    expect((await create(alice, 'x'.repeat(100))).name).toHaveLength(100);
  });

  it('holds at most 500 episodes', async () => {
    const alice = viewer();
    const playlist = await create(alice);
    await h.running.db.dataSource.query(
      'INSERT INTO playlist_items (playlist_id, episode_id, position) SELECT $1, gen_random_uuid(), n FROM generate_series(0, 498) AS n',
      [playlist.id],
    );
    const { episodeId } = await h.catalog.episode();
    await add(alice, playlist.id, episodeId);
    const another = await h.catalog.episode();
    expect(errorOf(await h.call(ADD, { p: playlist.id, e: another.episodeId }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'playlistId' });
    expect(await h.running.db.dataSource.query('SELECT count(*)::int AS n FROM playlist_items WHERE playlist_id = $1', [playlist.id])).toEqual([{ n: 500 }]);
  });
});

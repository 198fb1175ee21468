import { randomUUID } from 'node:crypto';
import { EpisodeArchived, EpisodePublished, EpisodeUnpublished, EpisodeUpdated, ShowUpdated } from '@wavegraph/events';
import { errorOf, startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const LIKE = 'mutation($id: ID!) { likeEpisode(episodeId: $id) { id likeCount } }';

describe('what engagement learns from catalog events', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const statusOf = async (episodeId: string): Promise<string | undefined> =>
    ((await h.running.db.dataSource.query('SELECT status FROM known_episodes WHERE episode_id = $1', [episodeId])) as { status: string }[])[0]?.status;

  it('accepts likes once an episode is published, and refuses them after it is unpublished or archived', async () => {
    const show = await h.catalog.show();
    const data = { episodeId: randomUUID(), ...show };
    await h.catalog.emit(EpisodeUpdated, data.episodeId, h.catalog.snapshot(data, 'DRAFT'));
    expect(errorOf(await h.call(LIKE, { id: data.episodeId }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });

    await h.catalog.emit(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'));
    const fan = viewer();
    expect((await h.call<{ likeEpisode: { likeCount: number } }>(LIKE, { id: data.episodeId }, fan)).data?.likeEpisode.likeCount).toBe(1);

    await h.catalog.emit(EpisodeUnpublished, data.episodeId, h.catalog.snapshot(data, 'DRAFT'));
    const before = await h.count('likes');
    expect(errorOf(await h.call(LIKE, { id: data.episodeId }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(await h.count('likes')).toBe(before);
    // taking a like back stays possible, but the answer shows nothing of the unpublished episode
    const unliked = await h.call<{ unlikeEpisode: { likeCount: number | null } }>('mutation($id: ID!) { unlikeEpisode(episodeId: $id) { likeCount } }', { id: data.episodeId }, fan);
    expect(await h.count('likes')).toBe(before - 1);
    expect(unliked.data?.unlikeEpisode.likeCount).toBeNull();
    expect(errorOf(unliked).code).toBe('NOT_FOUND');

    await h.catalog.emit(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'));
    await h.catalog.emit(EpisodeArchived, data.episodeId, h.catalog.snapshot(data, 'ARCHIVED'));
    expect(errorOf(await h.call(LIKE, { id: data.episodeId }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
  });

  it('ignores a snapshot older than the one it already applied', async () => {
    const show = await h.catalog.show();
    const data = { episodeId: randomUUID(), ...show };
    await h.catalog.emit(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'), { position: 1_000_000 });
    await h.catalog.emit(EpisodeUnpublished, data.episodeId, h.catalog.snapshot(data, 'DRAFT'), { position: 1_000_020 });
    // the publish that came before the unpublish arrives late (e.g. redelivered after a crash)
    await h.catalog.emit(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'), { position: 1_000_010 });
    expect(await statusOf(data.episodeId)).toBe('DRAFT');
    expect(errorOf(await h.call(LIKE, { id: data.episodeId }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });

    await h.catalog.emit(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'), { position: 1_000_030 });
    expect(await statusOf(data.episodeId)).toBe('PUBLISHED');
  });

  it('applies a redelivered event (same id) once', async () => {
    const show = await h.catalog.show();
    const data = { episodeId: randomUUID(), ...show };
    const first = await h.catalog.emit(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'), { position: 2_000_000 });
    // same id again, even with a different body: the inbox already holds it, so it is skipped
    await h.catalog.append(EpisodeArchived, data.episodeId, h.catalog.snapshot(data, 'ARCHIVED'), { id: first.id, position: 2_000_010 });
    // one consumer reads the stream in order: once this marker is applied, the duplicate was handled
    await h.catalog.emit(ShowUpdated, show.showId, {
      showId: show.showId, ownerId: show.ownerId, slug: 'renamed', title: 'Renamed', description: '', category: 'NEWS', language: 'en', artworkUrl: null,
    });
    expect(await statusOf(data.episodeId)).toBe('PUBLISHED');
    expect(await h.running.db.dataSource.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [first.id])).toEqual([{ n: 1 }]);
  });

  it('reports ready while Redis answers', async () => {
    const res = await fetch(h.running.url.replace('/graphql', '/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', service: 'engagement', checks: { database: 'ok', redis: 'ok', engagement: 'ok' }, nonces: expect.objectContaining({ fallbacks: 0 }) });
  });
});

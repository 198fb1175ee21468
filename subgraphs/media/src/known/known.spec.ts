import { randomUUID } from 'node:crypto';
import { EpisodeArchived, EpisodeCreated, EpisodeUpdated } from '@wavegraph/events';
import { CREATE_UPLOAD, errorOf, startMedia, viewer, type MediaHarness } from '../testing/harness';

describe('what media learns from catalog events', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const upload = (episodeId: string, as = viewer()) =>
    h.call(CREATE_UPLOAD, { input: { episodeId, filename: 'a.mp3', sizeBytes: 10, mimeType: 'audio/mpeg' } }, as);

  it('accepts uploads from the episode owner as catalog last described it', async () => {
    const first = viewer();
    const second = viewer();
    const data = { episodeId: randomUUID(), showId: randomUUID(), ownerId: first.id };
    expect(errorOf(await upload(data.episodeId, first))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    await h.catalog.emit(EpisodeCreated, data.episodeId, h.catalog.snapshot(data, 'DRAFT'), { position: 1_000_000 });
    expect((await upload(data.episodeId, first)).errors).toBeUndefined();

    await h.catalog.emit(EpisodeUpdated, data.episodeId, h.catalog.snapshot({ ...data, ownerId: second.id }, 'DRAFT'), { position: 1_000_020 });
    // an older snapshot arriving late (a redelivery) does not bring the former owner back
    await h.catalog.emit(EpisodeUpdated, data.episodeId, h.catalog.snapshot(data, 'DRAFT'), { position: 1_000_010 });
    expect(errorOf(await upload(data.episodeId, first)).code).toBe('FORBIDDEN');
    expect((await upload(data.episodeId, second)).errors).toBeUndefined();

    // media for archived episodes stays manageable: the creator may still replace or remove it
    await h.catalog.emit(EpisodeArchived, data.episodeId, h.catalog.snapshot({ ...data, ownerId: second.id }, 'ARCHIVED'), { position: 1_000_030 });
    expect((await upload(data.episodeId, second)).errors).toBeUndefined();
  });

  it('applies a redelivered event (same id) once', async () => {
    const owner = viewer();
    const data = { episodeId: randomUUID(), showId: randomUUID(), ownerId: owner.id };
    const first = await h.catalog.emit(EpisodeCreated, data.episodeId, h.catalog.snapshot(data, 'DRAFT'), { position: 2_000_000 });
    await h.catalog.append(EpisodeUpdated, data.episodeId, h.catalog.snapshot({ ...data, ownerId: randomUUID() }, 'DRAFT'), { id: first.id, position: 2_000_010 });
    // one consumer reads the stream in order: once this marker is applied, the duplicate was handled
    await h.catalog.episodeOwnedBy();
    expect((await upload(data.episodeId, owner)).errors).toBeUndefined();
  });

  it('reports ready while Redis answers', async () => {
    const res = await fetch(`${h.origin}/ready`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ready', service: 'media', checks: { database: 'ok', redis: 'ok', media: 'ok' }, nonces: expect.objectContaining({ fallbacks: 0 }) }]);
  });
});

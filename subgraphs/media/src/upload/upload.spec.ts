import { randomUUID } from 'node:crypto';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { counts, CREATE_UPLOAD, createUpload, errorOf, startMedia, TEST_MAX_UPLOAD_BYTES, viewer, type MediaHarness, type Ticket } from '../testing/harness';
import { uploadsDir } from '../storage/storage.factory';

describe('createUpload', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Files in the tus datastore: a refused request must not leave one behind. */
  const staged = async (): Promise<string[]> => (await readdir(uploadsDir(h.services.config))).sort();
  const input = (episodeId: string, extra: Record<string, unknown> = {}) => ({ episodeId, filename: 'ep1.mp3', sizeBytes: 3_000_000, mimeType: 'audio/mpeg', ...extra });

  it('creates the asset, its steps and a resumable upload for the episode owner', async () => {
    const owner = viewer();
    const episode = await h.catalog.episodeOwnedBy(owner.id);
    const sha = 'ab'.repeat(32);
    const res = await h.call<{ createUpload: Ticket & { upload: Record<string, unknown> } }>(
      CREATE_UPLOAD, { input: input(episode.episodeId, { sha256: sha.toUpperCase(), filename: '  My episode.mp3 ' }) }, owner,
    );
    expect(res.errors).toBeUndefined();
    const ticket = res.data!.createUpload;
    expect(ticket.upload).toMatchObject({
      status: 'PENDING', filename: 'My episode.mp3', mimeType: 'audio/mpeg', sizeBytes: 3_000_000, expectedSha256: sha,
      asset: { status: 'AWAITING_UPLOAD', progress: 0, steps: ['synthesize', 'probe', 'loudness', 'renditions', 'video', 'hls', 'waveform', 'thumbnail', 'storyboard', 'transcribe'].map((name) => ({ name, status: 'PENDING' })) },
      episode: { id: episode.episodeId },
    });
    expect(ticket.uploadUrl).toBe(`${h.origin}/uploads/${ticket.upload.id}`);
    expect(ticket.endpoint).toBe(`${h.origin}/uploads`);
    expect(ticket.chunkSize).toBe(64 * 1024 * 1024);
    expect(new Date(ticket.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    // the tus upload exists already: a HEAD answers with offset 0 and the declared length
    const head = await fetch(ticket.uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', 'x-upload-token': ticket.token } });
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, '0', '3000000']);
    await access(path.join(uploadsDir(h.services.config), ticket.upload.id));
  });

  it('lets editors and admins upload for any episode, and accepts sizes beyond 2^31 bytes up to the maximum', async () => {
    const h2 = await startMedia({ maxUploadBytes: 5 * 1024 ** 3, uploadChunkBytes: 16 * 1024 * 1024 });
    try {
      const episode = await h2.catalog.episodeOwnedBy();
      const editor = await createUpload(h2, viewer('EDITOR'), { episodeId: episode.episodeId, sizeBytes: 3_500_000_000 });
      expect(editor.upload.sizeBytes).toBe(3_500_000_000);
      // the configured chunk size, not the default
      expect(editor.chunkSize).toBe(16 * 1024 * 1024);
      const head = await fetch(editor.uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', 'x-upload-token': editor.token } });
      expect(head.headers.get('upload-length')).toBe('3500000000');
      const admin = await createUpload(h2, viewer('ADMIN'), { episodeId: episode.episodeId, sizeBytes: 10, mimeType: 'video/quicktime', filename: 'clip.mov' });
      expect(admin.upload.status).toBe('PENDING');
    } finally {
      await h2.stop();
    }
  });

  it('refuses strangers, unknown episodes and anonymous callers without writing anything', async () => {
    const owner = viewer();
    const episode = await h.catalog.episodeOwnedBy(owner.id);
    const before = await counts(h);
    const stagedBefore = await staged();
    expect(errorOf(await h.call(CREATE_UPLOAD, { input: input(episode.episodeId) }, viewer()))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(CREATE_UPLOAD, { input: input(randomUUID()) }, owner))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await h.call(CREATE_UPLOAD, { input: input(episode.episodeId) }, null)).code).toBe('UNAUTHENTICATED');
    expect(await counts(h)).toEqual(before);
    expect(await staged()).toEqual(stagedBefore);
  });

  it.each([
    ['episodeId', 'not a uuid', { episodeId: 'not-an-id' }],
    ['filename', 'empty', { filename: '' }],
    ['filename', 'blank', { filename: '   ' }],
    ['filename', '256 characters', { filename: 'x'.repeat(256) }],
    ['filename', 'a path', { filename: '../etc/passwd' }],
    ['filename', 'a control character', { filename: 'a\u0000b.mp3' }],
    ['mimeType', 'a document', { mimeType: 'application/pdf' }],
    ['mimeType', 'an audio type we cannot read', { mimeType: 'audio/x-ms-wma' }],
    ['sizeBytes', 'zero', { sizeBytes: 0 }],
    ['sizeBytes', 'negative', { sizeBytes: -5 }],
    ['sizeBytes', 'fractional', { sizeBytes: 1.5 }],
    ['sizeBytes', 'one byte over the maximum', { sizeBytes: TEST_MAX_UPLOAD_BYTES + 1 }],
    ['sha256', 'too short', { sha256: 'abc' }],
    ['sha256', 'not hex', { sha256: 'g'.repeat(64) }],
  ])('refuses %s (%s) with BAD_USER_INPUT and writes nothing', async (field, _label, bad) => {
    const owner = viewer();
    const episode = await h.catalog.episodeOwnedBy(owner.id);
    const before = await counts(h);
    const stagedBefore = await staged();
    const res = await h.call(CREATE_UPLOAD, { input: { ...input(episode.episodeId), ...bad } }, owner);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await counts(h)).toEqual(before);
    expect(await staged()).toEqual(stagedBefore);
  });

  it('accepts exactly the maximum size and every allowed type', async () => {
    const owner = viewer();
    const episode = await h.catalog.episodeOwnedBy(owner.id);
    for (const mimeType of ['audio/mp4', 'audio/aac', 'audio/wav', 'audio/x-wav', 'audio/flac', 'audio/ogg', 'video/mp4', 'video/webm']) {
      await createUpload(h, owner, { episodeId: episode.episodeId, sizeBytes: TEST_MAX_UPLOAD_BYTES, mimeType });
    }
  });
});

describe('the upload query', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const UPLOAD = 'query($id: ID!) { upload(id: $id) { id status sizeBytes asset { id status } } }';

  it('shows an upload to its owner and staff only', async () => {
    const owner = viewer();
    const episode = await h.catalog.episodeOwnedBy(owner.id);
    const ticket = await createUpload(h, owner, { episodeId: episode.episodeId, sizeBytes: 1234 });
    const own = await h.call<{ upload: { id: string; status: string } }>(UPLOAD, { id: ticket.upload.id }, owner);
    expect(own.data?.upload).toMatchObject({ id: ticket.upload.id, status: 'PENDING', sizeBytes: 1234, asset: { status: 'AWAITING_UPLOAD' } });
    expect((await h.call<{ upload: { id: string } }>(UPLOAD, { id: ticket.upload.id }, viewer('EDITOR'))).data?.upload.id).toBe(ticket.upload.id);
    expect(errorOf(await h.call(UPLOAD, { id: ticket.upload.id }, viewer())).code).toBe('NOT_FOUND');
    expect(errorOf(await h.call(UPLOAD, { id: ticket.upload.id }, null)).code).toBe('UNAUTHENTICATED');
  });

  it('resolves Upload references only for whoever may see them', async () => {
    const owner = viewer();
    const episode = await h.catalog.episodeOwnedBy(owner.id);
    const ticket = await createUpload(h, owner, { episodeId: episode.episodeId, sizeBytes: 10 });
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Upload { id status } } }';
    const r = [{ __typename: 'Upload', id: ticket.upload.id }];
    expect((await h.call<{ _entities: unknown[] }>(query, { r }, owner)).data?._entities).toEqual([{ id: ticket.upload.id, status: 'PENDING' }]);
    expect((await h.call<{ _entities: unknown[] }>(query, { r }, viewer())).data?._entities).toEqual([null]);
  });
});

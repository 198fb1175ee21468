import { errorOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { myQuota, TEST_QUOTAS, tryUpload } from '../testing/quota';
import { putChunk, startRecording } from '../testing/recording';
import { recordingPrefix } from './recording.entity';

/** A session counts against its starter's upload quota like an upload: one in progress, its bytes as they arrive. */
describe('recording sessions and the upload quota', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia({ quotas: TEST_QUOTAS });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const creator = async () => {
    const as = viewer('USER', undefined, 'FREE');
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    return { as, episodeId };
  };

  it('counts an open session as an upload in progress (FREE: 2 at once)', async () => {
    const { as, episodeId } = await creator();
    await startRecording(h, as, episodeId);
    expect((await tryUpload(h, as, episodeId, 10)).errors).toBeUndefined();
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 2 });
    const third = await h.call('mutation($e: ID!) { startRecordingSession(episodeId: $e, mimeType: "audio/webm") { id } }', { e: episodeId }, as);
    expect(third.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'PENDING_UPLOADS', limit: 2, used: 2 });
    expect(errorOf(await tryUpload(h, as, episodeId, 10))).toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });

  it('counts received bytes as pending and refuses a chunk past the cap (413) without storing it', async () => {
    const { as, episodeId } = await creator();
    const session = await startRecording(h, as, episodeId);
    expect((await putChunk(session, 0, Buffer.alloc(600, 1))).status).toBe(201);
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 1, pendingBytes: 600 });
    const refused = await putChunk(session, 1, Buffer.alloc(600, 2));
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'PENDING_BYTES', limit: TEST_QUOTAS.FREE.pendingBytes, used: 600, requested: 600 });
    expect(await h.services.storage.list(recordingPrefix(session.id))).toHaveLength(1);
    expect(await myQuota(h, as)).toMatchObject({ pendingBytes: 600 });
    // what fits still goes in
    expect((await putChunk(session, 1, Buffer.alloc(400, 2))).status).toBe(201);
  });

  it('puts no cap on staff recording for a creator, nor counts it against the creator', async () => {
    const { as, episodeId } = await creator();
    const editor = viewer('EDITOR');
    const session = await startRecording(h, editor, episodeId);
    expect((await putChunk(session, 0, Buffer.alloc(5000, 1))).status).toBe(201);
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 0, pendingBytes: 0 });
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { errorOf, outboxOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { FINISH_RECORDING, putChunk, RECORDING_SESSION, split, startRecording, webmRecording, type StartedSession } from '../testing/recording';
import { chunkKey, recordingPrefix } from './recording.entity';
import { expireRecordings, removeEndedChunks } from './recording.cleanup';
import { issueRecordingToken } from './recording.token';

const MAX_CHUNK = 4096;

describe('recording sessions: the chunk rules', () => {
  let h: MediaHarness;
  let dir: string;
  let recording: Buffer;
  beforeAll(async () => {
    h = await startMedia({ recordingMaxChunkBytes: MAX_CHUNK, recordingTtlSeconds: 600 });
    dir = await mkdtemp(path.join(tmpdir(), 'wg-recording-'));
    recording = await webmRecording(dir, 2);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const session = async (as = viewer()): Promise<{ as: ReturnType<typeof viewer>; session: StartedSession; episodeId: string }> => {
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    return { as, episodeId, session: await startRecording(h, as, episodeId) };
  };
  const stored = async (s: StartedSession, sequence: number): Promise<Buffer | null> => {
    if (!(await h.services.storage.stat(chunkKey(s.id, sequence)))) return null;
    return buffer(await h.services.storage.read(chunkKey(s.id, sequence)));
  };
  const state = async (s: StartedSession, as: ReturnType<typeof viewer>) => {
    const res = await h.call<{ recordingSession: { status: string; chunksReceived: number; bytesReceived: number; highestSequence: number | null; missing: number[] } }>(
      RECORDING_SESSION, { id: s.id }, as,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.recordingSession;
  };
  const eventsOf = async (s: StartedSession, type: string) => (await outboxOf(h, s.id)).filter((row) => row.type === type);

  it('starts a session for the episode owner: an asset waiting for its source, a chunk URL and a token, RecordingSessionStarted', async () => {
    const { as, episodeId, session: s } = await session();
    expect(s).toMatchObject({ status: 'RECORDING', chunksReceived: 0, bytesReceived: 0, missing: [], maxChunkBytes: MAX_CHUNK, asset: { status: 'AWAITING_UPLOAD' } });
    expect(s.chunkUrl).toBe(`${h.origin}/recordings/${s.id}/chunks`);
    expect(new Date(s.expiresAt).getTime()).toBeGreaterThan(Date.now() + 500_000);
    expect(await eventsOf(s, 'media.RecordingSessionStarted')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ sessionId: s.id, assetId: s.asset.id, episodeId, ownerId: as.id, mimeType: 'audio/webm;codecs=opus' }) }),
    ]);
  });

  it('refuses to start for strangers, unknown episodes, unknown formats and signed-out callers', async () => {
    const owner = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
    const start = (as: ReturnType<typeof viewer> | null, episode: string, mimeType: string) =>
      h.call('mutation($e: ID!, $m: String!) { startRecordingSession(episodeId: $e, mimeType: $m) { id } }', { e: episode, m: mimeType }, as);
    expect(errorOf(await start(viewer(), episodeId, 'audio/webm'))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await start(owner, randomUUID(), 'audio/webm'))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await start(owner, episodeId, 'audio/mpeg'))).toEqual({ code: 'BAD_USER_INPUT', field: 'mimeType' });
    expect(errorOf(await start(null, episodeId, 'audio/webm'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    // staff may record for the owner
    expect((await start(viewer('EDITOR'), episodeId, 'video/webm;codecs="vp8,opus"')).errors).toBeUndefined();
  });

  it('stores a chunk whole before acknowledging it (201), and records RecordingChunkStored', async () => {
    const { as, session: s } = await session();
    const bytes = Buffer.from('first chunk of a recording');
    const answer = await putChunk(s, 0, bytes);
    expect(answer).toEqual({
      status: 201,
      body: { created: true, sequence: 0, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), chunksReceived: 1, bytesReceived: bytes.length },
    });
    expect(await stored(s, 0)).toEqual(bytes);
    expect(await state(s, as)).toMatchObject({ chunksReceived: 1, bytesReceived: bytes.length, highestSequence: 0, missing: [] });
    expect((await eventsOf(s, 'media.RecordingChunkStored')).map((row) => row.payload)).toEqual([
      expect.objectContaining({ sessionId: s.id, assetId: s.asset.id, sequence: 0, sizeBytes: bytes.length, chunksReceived: 1 }),
    ]);
  });

  it('answers the same bytes again with 200 and changes nothing', async () => {
    const { as, session: s } = await session();
    const bytes = Buffer.from('resent after a dropped connection');
    expect((await putChunk(s, 0, bytes)).status).toBe(201);
    const before = { state: await state(s, as), events: await outboxOf(h, s.id) };
    const again = await putChunk(s, 0, bytes);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, chunksReceived: 1, bytesReceived: bytes.length });
    expect(await state(s, as)).toEqual(before.state);
    expect(await outboxOf(h, s.id)).toEqual(before.events);
    expect(await stored(s, 0)).toEqual(bytes);
  });

  it('refuses different bytes for a stored sequence (409) and keeps the first', async () => {
    const { as, session: s } = await session();
    const first = Buffer.from('the bytes that were stored');
    await putChunk(s, 0, first);
    const answer = await putChunk(s, 0, Buffer.from('other bytes, same number'));
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'CHUNK_CONFLICT', sequence: 0, sha256: createHash('sha256').update(first).digest('hex') });
    expect(await stored(s, 0)).toEqual(first);
    expect(await state(s, as)).toMatchObject({ chunksReceived: 1, bytesReceived: first.length });
  });

  it('accepts chunks out of order and reports the missing ones', async () => {
    const { as, session: s } = await session();
    expect((await putChunk(s, 3, Buffer.from('three'))).status).toBe(201);
    expect((await putChunk(s, 0, Buffer.from('zero'))).status).toBe(201);
    expect(await state(s, as)).toMatchObject({ chunksReceived: 2, highestSequence: 3, missing: [1, 2] });
    expect((await putChunk(s, 2, Buffer.from('two'))).status).toBe(201);
    expect(await state(s, as)).toMatchObject({ chunksReceived: 3, bytesReceived: 12, missing: [1] });
  });

  it('refuses to finish while chunks are missing, naming them, and changes nothing', async () => {
    const { as, session: s } = await session();
    for (const sequence of [0, 2, 5]) await putChunk(s, sequence, Buffer.from(`chunk ${sequence}`));
    const res = await h.call(FINISH_RECORDING, { id: s.id, last: 6 }, as);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lastSequence', missing: [1, 3, 4, 6] });
    expect(res.errors?.[0]?.message).toBe('Chunks 1, 3, 4, 6 are missing; send them, then finish again');
    // chunks past lastSequence: the client is wrong about where the recording ends
    const past = await h.call(FINISH_RECORDING, { id: s.id, last: 2 }, as);
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lastSequence' });
    expect(await state(s, as)).toMatchObject({ status: 'RECORDING', missing: [1, 3, 4] });
    expect(h.starter.started).not.toContain(s.asset.id);
    // the missing ones still go in
    expect((await putChunk(s, 1, Buffer.from('chunk 1'))).status).toBe(201);
  });

  it('refuses an oversized chunk (413) and stores nothing, whether its length was declared or not', async () => {
    const { as, session: s } = await session();
    const declared = await putChunk(s, 0, Buffer.alloc(MAX_CHUNK + 1, 1));
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'CHUNK_TOO_LARGE', limit: MAX_CHUNK });
    // streamed without a Content-Length: counted as it arrives
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(2048));
        controller.close();
      },
    });
    const streamed = await fetch(`${s.chunkUrl}/1`, { method: 'PUT', headers: { 'x-upload-token': s.token }, body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: 'CHUNK_TOO_LARGE' } });
    expect(await h.services.storage.list(recordingPrefix(s.id))).toEqual([]);
    expect(await state(s, as)).toMatchObject({ chunksReceived: 0, bytesReceived: 0 });
    // exactly the limit is fine
    expect((await putChunk(s, 0, Buffer.alloc(MAX_CHUNK, 1))).status).toBe(201);
  });

  it('refuses a missing or wrong token, another session\'s token, an unknown session and a bad sequence, each with a JSON error', async () => {
    const { session: s } = await session();
    const { session: other } = await session();
    const bytes = Buffer.from('x');
    expect(await putChunk(s, 0, bytes, null)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await putChunk(s, 0, bytes, `${s.id}.${'0'.repeat(64)}`)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await putChunk(s, 0, bytes, other.token)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const unknown = randomUUID();
    expect(await putChunk({ chunkUrl: `${h.origin}/recordings/${unknown}/chunks`, token: issueRecordingToken('media-test-secret', unknown) }, 0, bytes)).toMatchObject({
      status: 404, body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await putChunk(s, 100000, bytes)).toMatchObject({ status: 400, body: { error: { code: 'BAD_USER_INPUT' } } });
    expect(await putChunk(s, '-1', bytes)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await putChunk(s, 0, Buffer.alloc(0))).toMatchObject({ status: 400, body: { error: { code: 'BAD_USER_INPUT' } } });
    const get = await fetch(`${s.chunkUrl}/0`, { headers: { 'x-upload-token': s.token } });
    expect(get.status).toBe(405);
    expect(await h.services.storage.list(recordingPrefix(s.id))).toEqual([]);
    expect(await h.services.storage.list(recordingPrefix(other.id))).toEqual([]);
  });

  it('expires a session that went quiet: chunks refused (410), then the sweep ends it, deletes its asset and removes its chunks', async () => {
    const { as, session: s } = await session();
    await putChunk(s, 0, Buffer.from('before the silence'));
    await h.running.db.dataSource.query("UPDATE recording_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [s.id]);
    expect(await putChunk(s, 1, Buffer.from('too late'))).toMatchObject({ status: 410, body: { error: { code: 'SESSION_EXPIRED' } } });
    expect(errorOf(await h.call(FINISH_RECORDING, { id: s.id, last: 0 }, as))).toEqual({ code: 'CONFLICT', field: 'id' });
    expect(await expireRecordings(h.running.db.dataSource, h.running.pubSub)).toBeGreaterThanOrEqual(1);
    expect(await removeEndedChunks(h.running.db.dataSource, h.services.storage)).toBeGreaterThanOrEqual(1);
    expect(await state(s, as)).toMatchObject({ status: 'EXPIRED' });
    const [asset] = await h.running.db.dataSource.query('SELECT status FROM media_assets WHERE id = $1', [s.asset.id]);
    expect(asset.status).toBe('DELETED');
    expect(await h.services.storage.list(recordingPrefix(s.id))).toEqual([]);
    expect(await putChunk(s, 1, Buffer.from('still too late'))).toMatchObject({ status: 410, body: { error: { code: 'SESSION_EXPIRED' } } });
  });

  it('ends a session whose asset is deleted: no more chunks, no finish, its chunks swept', async () => {
    const { as, session: s } = await session();
    await putChunk(s, 0, Buffer.from('recorded, then thrown away'));
    const deleted = await h.call('mutation($id: ID!) { deleteAsset(assetId: $id) }', { id: s.asset.id }, as);
    expect(deleted.errors).toBeUndefined();
    expect(await putChunk(s, 1, Buffer.from('late'))).toMatchObject({ status: 410, body: { error: { code: 'SESSION_EXPIRED' } } });
    expect(errorOf(await h.call(FINISH_RECORDING, { id: s.id, last: 0 }, as))).toEqual({ code: 'CONFLICT', field: 'id' });
    expect(await removeEndedChunks(h.running.db.dataSource, h.services.storage)).toBeGreaterThanOrEqual(1);
    expect(await h.services.storage.list(recordingPrefix(s.id))).toEqual([]);
    const [asset] = await h.running.db.dataSource.query('SELECT status FROM media_assets WHERE id = $1', [s.asset.id]);
    expect(asset.status).toBe('DELETED');
  });

  it('finishes a complete recording into the asset source and starts processing; chunks after that are refused (409)', async () => {
    const { as, session: s } = await session();
    const pieces = split(recording, Math.ceil(recording.length / MAX_CHUNK) + 1);
    for (const [sequence, piece] of pieces.entries()) expect((await putChunk(s, sequence, piece)).status).toBe(201);
    const res = await h.call<{ finishRecordingSession: { status: string; asset: { status: string }; lastSequence: number } }>(FINISH_RECORDING, { id: s.id, last: pieces.length - 1 }, as);
    expect(res.errors).toBeUndefined();
    expect(res.data?.finishRecordingSession).toMatchObject({ status: 'FINISHED', lastSequence: pieces.length - 1, asset: { status: 'PROCESSING' } });
    expect(h.starter.started).toContain(s.asset.id);
    const [asset] = await h.running.db.dataSource.query('SELECT source_key, source_size, mime_type FROM media_assets WHERE id = $1', [s.asset.id]);
    expect(asset).toMatchObject({ source_key: `assets/${s.asset.id}/source`, mime_type: 'audio/webm' });
    expect(Number(asset.source_size)).toBe((await h.services.storage.stat(asset.source_key))?.size);
    expect((await eventsOf(s, 'media.RecordingSessionFinished')).map((row) => row.payload)).toEqual([
      expect.objectContaining({ sessionId: s.id, assetId: s.asset.id, chunks: pieces.length, sizeBytes: Number(asset.source_size) }),
    ]);
    // the source holds their bytes now
    expect(await h.services.storage.list(recordingPrefix(s.id))).toEqual([]);
    expect(await putChunk(s, pieces.length, Buffer.from('after the end'))).toMatchObject({ status: 409, body: { error: { code: 'SESSION_FINISHED' } } });
    expect(await putChunk(s, 0, pieces[0])).toMatchObject({ status: 409, body: { error: { code: 'SESSION_FINISHED' } } });
    // finishing again is safe and starts nothing more
    const again = await h.call<{ finishRecordingSession: { status: string } }>(FINISH_RECORDING, { id: s.id, last: pieces.length - 1 }, as);
    expect(again.data?.finishRecordingSession.status).toBe('FINISHED');
    expect(h.starter.started.filter((id) => id === s.asset.id)).toHaveLength(1);
    expect(errorOf(await h.call(FINISH_RECORDING, { id: s.id, last: pieces.length }, as))).toEqual({ code: 'CONFLICT', field: 'lastSequence' });
  });

  it('fails the session and its asset when the chunks are not a recording', async () => {
    const { as, session: s } = await session();
    await putChunk(s, 0, Buffer.from('these bytes are no WebM at all'));
    const res = await h.call<{ finishRecordingSession: { status: string; failureReason: string; asset: { status: string } } }>(FINISH_RECORDING, { id: s.id, last: 0 }, as);
    expect(res.data?.finishRecordingSession).toMatchObject({ status: 'FAILED', asset: { status: 'FAILED' } });
    expect(res.data?.finishRecordingSession.failureReason).toMatch(/^the chunks do not form a playable recording: /);
    expect(res.data?.finishRecordingSession.failureReason).not.toContain(h.services.config.dataDir);
    expect(h.starter.started).not.toContain(s.asset.id);
    expect((await outboxOf(h, s.asset.id)).map((row) => row.type)).toContain('media.MediaFailed');
    expect(await h.services.storage.list(recordingPrefix(s.id))).toEqual([]);
    expect(await putChunk(s, 1, Buffer.from('more'))).toMatchObject({ status: 409, body: { error: { code: 'SESSION_FAILED' } } });
  });

  it('shows a session only to the owner of its episode and staff', async () => {
    const { as, session: s } = await session();
    expect((await h.call(RECORDING_SESSION, { id: s.id }, as)).errors).toBeUndefined();
    expect((await h.call(RECORDING_SESSION, { id: s.id }, viewer('ADMIN'))).errors).toBeUndefined();
    expect(errorOf(await h.call(RECORDING_SESSION, { id: s.id }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.call(FINISH_RECORDING, { id: s.id, last: 0 }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.call(RECORDING_SESSION, { id: 'nope' }, as))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

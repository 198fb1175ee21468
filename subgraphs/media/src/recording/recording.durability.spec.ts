import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { outboxOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { putChunk, startRecording, type StartedSession } from '../testing/recording';
import { chunkKey } from './recording.entity';

/** What a client was told is stored, is: a failed write is never acknowledged, and racing copies of one chunk store it once. */
describe('recording chunks: acknowledged only once durable, stored once under races', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const session = async (): Promise<StartedSession> => {
    const as = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    return startRecording(h, as, episodeId);
  };
  const rows = (s: StartedSession) => h.running.db.dataSource.query('SELECT sequence, sha256 FROM recording_chunks WHERE session_id = $1 ORDER BY sequence', [s.id]);

  it('does not acknowledge a chunk storage could not take, records nothing, and takes the resend', async () => {
    const s = await session();
    const bytes = Buffer.from('a chunk that meets a full disk');
    const { storage } = h.services;
    const put = storage.put.bind(storage);
    storage.put = async () => {
      throw new Error('ENOSPC: no space left on device (test)');
    };
    let answer;
    try {
      answer = await putChunk(s, 0, bytes);
    } finally {
      storage.put = put;
    }
    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect(answer.body.error?.message).not.toContain('ENOSPC');
    expect(await rows(s)).toEqual([]);
    expect((await outboxOf(h, s.id)).map((row) => row.type)).toEqual(['media.RecordingSessionStarted']);
    expect((await putChunk(s, 0, bytes)).status).toBe(201);
    expect(await buffer(await storage.read(chunkKey(s.id, 0)))).toEqual(bytes);
  });

  it('stores one copy when the same chunk arrives twice at once (201 and 200), and one of two different ones (201 and 409)', async () => {
    const s = await session();
    const same = Buffer.from('sent twice by a retrying client');
    const twice = await Promise.all([putChunk(s, 0, same), putChunk(s, 0, same)]);
    expect(twice.map((a) => a.status).sort()).toEqual([200, 201]);
    const [first, second] = [Buffer.from('one version'), Buffer.from('another version')];
    const racing = await Promise.all([putChunk(s, 1, first), putChunk(s, 1, second)]);
    expect(racing.map((a) => a.status).sort()).toEqual([201, 409]);
    const winner = racing[0].status === 201 ? first : second;
    expect(await rows(s)).toEqual([
      { sequence: 0, sha256: createHash('sha256').update(same).digest('hex') },
      { sequence: 1, sha256: createHash('sha256').update(winner).digest('hex') },
    ]);
    expect(await buffer(await h.services.storage.read(chunkKey(s.id, 1)))).toEqual(winner);
    expect((await outboxOf(h, s.id)).filter((row) => row.type === 'media.RecordingChunkStored')).toHaveLength(2);
  });
});

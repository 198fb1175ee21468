import { eventually } from '@wavegraph/testkit';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';
import { putChunk, startRecording } from '../testing/recording';
import { recordingPrefix } from './recording.entity';
import { recordingTopic } from './recording.live';

const LIVE = `subscription($id: ID!) { recordingSession(id: $id) { session { status chunksReceived } processing { status done } done } }`;

/** The media subgraph's periodic sweep (MEDIA_UPLOAD_CLEANUP_SECONDS) also ends abandoned recording sessions. */
describe('the cleanup sweep and abandoned recording sessions', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia({ uploadCleanupSeconds: 1, recordingTtlSeconds: 600 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('expires a quiet session on its own: the session EXPIRED, its asset DELETED, its chunks gone, its followers told', async () => {
    const owner = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
    const session = await startRecording(h, owner, episodeId);
    await putChunk(session, 0, Buffer.from('a chunk nobody will finish'));
    const kept = await startRecording(h, owner, episodeId);
    await putChunk(kept, 0, Buffer.from('a session still in use'));

    const live = h.subscribe<{ recordingSession: { session: { status: string }; done: boolean } }>(LIVE, { id: session.id }, owner);
    await eventually(async () => h.running.pubSub.listeners(recordingTopic(session.id)) === 1);
    await h.running.db.dataSource.query("UPDATE recording_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [session.id]);

    expect(await live.ended).toEqual({ completed: true });
    expect(live.results.at(-1)?.data?.recordingSession).toMatchObject({ session: { status: 'EXPIRED' }, done: true });
    await eventually(async () => (await h.services.storage.list(recordingPrefix(session.id))).length === 0);
    const [asset] = await h.running.db.dataSource.query('SELECT status FROM media_assets WHERE id = $1', [session.asset.id]);
    expect(asset.status).toBe('DELETED');
    // the other session is untouched
    const [other] = await h.running.db.dataSource.query('SELECT status, chunks_removed FROM recording_sessions WHERE id = $1', [kept.id]);
    expect(other).toEqual({ status: 'RECORDING', chunks_removed: false });
    expect(await h.services.storage.list(recordingPrefix(kept.id))).toHaveLength(1);
  }, 30_000);
});

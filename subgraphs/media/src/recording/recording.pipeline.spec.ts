import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@wavegraph/testkit';
import { mediaProcessingTopic } from '../processing/progress';
import { outboxOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { startRealPipeline, type RealPipeline } from '../testing/real-pipeline';
import { FINISH_RECORDING, putChunk, split, startRecording, webmRecording } from '../testing/recording';
import { recordingPrefix } from './recording.entity';
import { recordingTopic } from './recording.live';

const LIVE = `subscription($id: ID!) { recordingSession(id: $id) {
  session { status chunksReceived missing }
  processing { status step stepStatus done asset { id status durationSeconds } }
  done
} }`;

interface LiveEvent {
  session: { status: string; chunksReceived: number; missing: number[] };
  processing: { status: string; step: string | null; stepStatus: string | null; done: boolean; asset: { id: string; status: string; durationSeconds: number | null } } | null;
  done: boolean;
}

const ASSET = `query($id: ID!) { mediaAsset(id: $id) { id status durationSeconds codec renditions { name } hls { masterUrl } } }`;

/** A browser's recording, end to end: chunks out of order and one resent, the finish, the real pipeline, READY. */
describe('a recording session becomes an episode\'s media', () => {
  let h: MediaHarness;
  let pipeline: RealPipeline;
  let dir: string;

  beforeAll(async () => {
    h = await startMedia();
    dir = await mkdtemp(path.join(tmpdir(), 'wg-recording-pipeline-'));
    pipeline = await startRealPipeline(h, 'recording-pipeline-spec');
    // what the subgraph starts goes to the real pipeline
    h.starter.forwardTo = pipeline.queue;
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('stitches out-of-order chunks (one resent) into a source the pipeline takes to READY with the recording\'s duration', async () => {
    const owner = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
    const recording = await webmRecording(dir, 6);
    const chunks = split(recording, 8);
    const session = await startRecording(h, owner, episodeId);

    const live = h.subscribe<{ recordingSession: LiveEvent }>(LIVE, { id: session.id }, owner);
    await eventually(async () => h.running.pubSub.listeners(recordingTopic(session.id)) === 1 && h.running.pubSub.listeners(mediaProcessingTopic(session.asset.id)) === 1);

    // the connection dropped after 0, 1, 2, 5 and 6 arrived; 2 was sent again to be sure
    const order = [1, 0, 2, 6, 5];
    for (const sequence of order) expect((await putChunk(session, sequence, chunks[sequence])).status).toBe(201);
    expect((await putChunk(session, 2, chunks[2])).status).toBe(200);
    const before = await h.call<{ recordingSession: { missing: number[] } }>(`query($id: ID!) { recordingSession(id: $id) { missing } }`, { id: session.id }, owner);
    expect(before.data?.recordingSession.missing).toEqual([3, 4]);
    const early = await h.call(FINISH_RECORDING, { id: session.id, last: 7 }, owner);
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', missing: [3, 4, 7] });
    // resending only what is missing
    for (const sequence of [4, 7, 3]) expect((await putChunk(session, sequence, chunks[sequence])).status).toBe(201);

    const finished = await h.call<{ finishRecordingSession: { status: string; chunksReceived: number; asset: { status: string } } }>(FINISH_RECORDING, { id: session.id, last: 7 }, owner);
    expect(finished.errors).toBeUndefined();
    expect(finished.data?.finishRecordingSession).toMatchObject({ status: 'FINISHED', chunksReceived: 8 });

    expect(await live.ended).toEqual({ completed: true });
    const events = live.results.map((result) => result.data?.recordingSession as LiveEvent);
    expect(events[0]).toMatchObject({ session: { status: 'RECORDING', chunksReceived: 0 }, processing: null, done: false });
    // one event per new chunk, with the counter rising (the resend changed nothing and said nothing)
    const counts = events.filter((e) => e.processing === null && e.session.status === 'RECORDING').map((e) => e.session.chunksReceived);
    expect(counts.slice(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ done: true, session: { status: 'FINISHED' }, processing: { status: 'READY', step: 'finalize', stepStatus: 'DONE', done: true } });
    expect(events.filter((e) => e.processing?.step === 'loudness' && e.processing.stepStatus === 'DONE')).toHaveLength(1);

    const asset = await h.call<{ mediaAsset: { status: string; durationSeconds: number; codec: string; renditions: { name: string }[]; hls: { masterUrl: string } | null } }>(
      ASSET, { id: session.asset.id }, owner,
    );
    expect(asset.data?.mediaAsset).toMatchObject({ status: 'READY', codec: 'opus' });
    expect(asset.data?.mediaAsset.durationSeconds).toBeCloseTo(6, 0);
    expect(asset.data?.mediaAsset.renditions.length).toBeGreaterThan(0);
    expect(asset.data?.mediaAsset.hls?.masterUrl).toBeTruthy();

    const types = (await outboxOf(h, session.id)).map((row) => row.type);
    expect(types.filter((t) => t === 'media.RecordingChunkStored')).toHaveLength(8);
    expect(types[0]).toBe('media.RecordingSessionStarted');
    expect(types.at(-1)).toBe('media.RecordingSessionFinished');
    expect((await outboxOf(h, session.asset.id)).map((row) => row.type)).toContain('media.MediaReady');
    expect(await h.services.storage.list(recordingPrefix(session.id))).toEqual([]);
  }, 180_000);
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually, subscribeOverWebSocket } from '@wavegraph/testkit';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp } from './support/users';

const LIVE = `subscription($id: ID!) { recordingSession(id: $id) {
  session { status chunksReceived missing }
  processing { status step done asset { id status episode { title } } }
  done
} }`;
interface Live {
  recordingSession: {
    session: { status: string; chunksReceived: number; missing: number[] };
    processing: { status: string; step: string | null; done: boolean; asset: { id: string; status: string; episode: { title: string } } } | null;
    done: boolean;
  };
}

/** Cuts bytes into `count` pieces, as MediaRecorder's timeslices would. */
const split = (bytes: Buffer, count: number): Buffer[] => {
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
};

describe('recording in the browser, through the gateway: chunks to /recordings, stitched, processed to READY', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: WavegraphClient;
  let creatorToken: string;
  let episodeId: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-recording-e2e-'));
    ({ client: creator, token: creatorToken } = await signUp(supergraph, 'mic'));
    const { createShow } = await creator.CreateShow({ input: { slug: 'live-from-the-desk', title: 'Live from the Desk', category: 'TECHNOLOGY', language: 'en' } });
    episodeId = (await creator.CreateEpisode({ input: { showId: createShow.id, title: 'Recorded in the browser' } })).createEpisode.id;
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a creator records, loses the connection, resends only what is missing, finishes, and the episode has its media', async () => {
    // WebM/Opus as MediaRecorder writes it: a live stream, without duration or cues
    const file = path.join(dir, 'recording.webm');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=8', '-c:a', 'libopus', '-b:a', '48k', '-live', '1', '-cluster_time_limit', '500', '-f', 'webm', '-y', file]);
    const chunks = split(readFileSync(file), 6);

    // media learns of the episode from catalog's events
    const { startRecordingSession: session } = await eventually(() => creator.StartRecordingSession({ episodeId, mimeType: 'audio/webm;codecs=opus' }));
    expect(session).toMatchObject({ status: 'RECORDING', chunksReceived: 0, missing: [], asset: { status: 'AWAITING_UPLOAD' } });
    expect(session.chunkUrl).toBe(`${supergraph.origin}/recordings/${session.id}/chunks`);

    const live = subscribeOverWebSocket<Live>(supergraph.url, LIVE, { id: session.id }, { authorization: `Bearer ${creatorToken}` });
    await eventually(async () => supergraph.media.pubSub.listeners(`RECORDING_SESSION:${session.id}`) === 1);

    const put = async (sequence: number, token: string | null = session.token) => {
      const res = await fetch(`${session.chunkUrl}/${sequence}`, { method: 'PUT', headers: token ? { 'x-upload-token': token } : {}, body: chunks[sequence] });
      return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
    };
    expect(await put(0, null)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    for (const sequence of [0, 1, 3]) expect((await put(sequence)).status).toBe(201);
    // the acknowledgement of 3 was lost: it is sent again, and changes nothing
    expect((await put(3)).status).toBe(200);

    const { recordingSession } = await creator.RecordingSession({ id: session.id });
    expect(recordingSession).toMatchObject({ chunksReceived: 3, missing: [2] });
    expect(await errorCodes(creator.FinishRecordingSession({ id: session.id, lastSequence: 5 }))).toEqual(['BAD_USER_INPUT']);
    for (const sequence of [2, 5, 4]) expect((await put(sequence)).status).toBe(201);

    const { finishRecordingSession: finished } = await creator.FinishRecordingSession({ id: session.id, lastSequence: 5 });
    expect(finished).toMatchObject({ status: 'FINISHED', chunksReceived: 6, lastSequence: 5 });
    expect(await put(5)).toMatchObject({ status: 409, body: { error: { code: 'SESSION_FINISHED' } } });

    const media = await eventually(async () => {
      const { episode } = await creator.EpisodeMedia({ id: episodeId });
      expect(episode?.media?.status).toBe('READY');
      return episode!.media!;
    }, 90_000);
    expect(media.id).toBe(session.asset.id);
    expect(media.durationSeconds).toBeCloseTo(8, 0);
    expect(media.hls?.masterUrl).toBeTruthy();

    // the studio saw the chunk counter rise, then processing, with the episode's title from catalog, READY last
    expect(await live.ended).toEqual({ completed: true });
    const events = live.results.map((r) => r.data!.recordingSession);
    expect(events[0]).toMatchObject({ session: { status: 'RECORDING', chunksReceived: 0 }, processing: null, done: false });
    expect(events.filter((e) => e.processing === null && e.session.status === 'RECORDING').map((e) => e.session.chunksReceived)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(events.at(-1)).toMatchObject({
      done: true, session: { status: 'FINISHED' }, processing: { status: 'READY', step: 'finalize', asset: { status: 'READY', episode: { title: 'Recorded in the browser' } } },
    });
  }, 150_000);

  it('keeps sessions to the episode owner', async () => {
    const { register } = await supergraph.client().Register({ input: { email: 'eaves@example.com', handle: 'eaves', displayName: 'Eaves', password: 'an eavesdropping long password' } });
    const other = supergraph.client(register.accessToken);
    expect(await errorCodes(other.StartRecordingSession({ episodeId, mimeType: 'audio/webm' }))).toEqual(['FORBIDDEN']);
    const { startRecordingSession: session } = await creator.StartRecordingSession({ episodeId, mimeType: 'audio/ogg;codecs=opus' });
    expect(await errorCodes(other.RecordingSession({ id: session.id }))).toEqual(['NOT_FOUND']);
    expect(await errorCodes(other.FinishRecordingSession({ id: session.id, lastSequence: 0 }))).toEqual(['NOT_FOUND']);
  });
});

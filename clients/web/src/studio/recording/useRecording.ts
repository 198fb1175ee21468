import { useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { ChunkRefused, ChunkSender } from './chunks';
import { watchLevel } from './inputLevel';
import { openMicrophone, recordingMimeType, stopTracks } from './microphone';
import { finishSession, missingChunks, SessionError, startSession, type StartedSession } from './session';

/** Recorder timeslice: one chunk a second, each PUT as soon as it exists. */
export const TIMESLICE_MS = 1_000;
/** Rounds of "which chunks are missing? send them" before finishing is given up (and offered again). */
const FINISH_ROUNDS = 4;

export type RecordingPhase =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'recording'; startedAt: number }
  | { kind: 'finishing'; startedAt: number; stoppedAt: number }
  | { kind: 'finished'; seconds: number }
  | { kind: 'failed'; message: string; canFinish: boolean };

interface Run {
  session: StartedSession;
  stream: MediaStream;
  recorder: MediaRecorder;
  sender: ChunkSender;
  stopLevel(): void;
  startedAt: number;
  stoppedAt?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong while recording.');

/**
 * One recording at a time for the episode: microphone, session, MediaRecorder with a timeslice,
 * every chunk PUT in order as it comes, then finishing once the session holds every chunk.
 * `onFinished` gets the asset the recording becomes, for its processing to be followed.
 */
export function useRecording(episodeId: string, onFinished: (assetId: string) => void) {
  const client = useClient();
  const [phase, setPhase] = useState<RecordingPhase>({ kind: 'idle' });
  const [level, setLevel] = useState(0);
  const [chunks, setChunks] = useState(0);
  const [trouble, setTrouble] = useState<string | null>(null);
  const run = useRef<Run | null>(null);

  // leaving the page mid-recording stops the recorder: what was recorded is finished, and the microphone let go
  useEffect(
    () => () => {
      if (run.current?.recorder.state === 'recording') run.current.recorder.stop();
    },
    [],
  );

  const start = async () => {
    setPhase({ kind: 'starting' });
    setTrouble(null);
    setChunks(0);
    const mimeType = recordingMimeType();
    if (!mimeType) return setPhase({ kind: 'failed', message: 'This browser cannot record audio.', canFinish: false });
    let stream: MediaStream;
    try {
      stream = await openMicrophone();
    } catch (error) {
      return setPhase({ kind: 'failed', message: messageOf(error), canFinish: false });
    }
    let session: StartedSession;
    try {
      session = await startSession(client, episodeId, mimeType);
    } catch (error) {
      stopTracks(stream);
      return setPhase({ kind: 'failed', message: messageOf(error), canFinish: false });
    }
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, { mimeType });
    } catch {
      stopTracks(stream);
      return setPhase({ kind: 'failed', message: 'This browser cannot record audio.', canFinish: false });
    }
    const sender = new ChunkSender(session, { onAcknowledged: setChunks, onTrouble: setTrouble });
    recorder.ondataavailable = (event) => sender.add(event.data);
    const current: Run = { session, stream, recorder, sender, stopLevel: watchLevel(stream, setLevel), startedAt: Date.now() };
    // the last chunk comes before 'stop'; the recorder also stops by itself (the microphone was
    // unplugged or its permission taken back), and what was recorded is finished then too
    recorder.addEventListener('stop', () => void wrapUp(current), { once: true });
    run.current = current;
    recorder.start(TIMESLICE_MS);
    setPhase({ kind: 'recording', startedAt: current.startedAt });
  };

  const wrapUp = async (current: Run) => {
    current.stoppedAt ??= Date.now();
    current.stopLevel();
    stopTracks(current.stream);
    setLevel(0);
    await finish();
  };

  /** Resends what the session misses until it holds 0..last, then finishes it. */
  const finish = async () => {
    const current = run.current;
    if (!current) return;
    const stoppedAt = current.stoppedAt ?? Date.now();
    setPhase({ kind: 'finishing', startedAt: current.startedAt, stoppedAt });
    const last = current.sender.lastSequence;
    if (last < 0) return setPhase({ kind: 'failed', message: 'Nothing was recorded.', canFinish: false });
    try {
      for (let round = 0; round < FINISH_ROUNDS; round += 1) {
        await current.sender.drained();
        const missing = await missingChunks(client, current.session.id, last);
        if (missing.length > 0) {
          await current.sender.resend(missing);
          continue;
        }
        try {
          await finishSession(client, current.session.id, last);
        } catch (error) {
          // a chunk went missing between the question and the finish: send it, and ask again
          if (!(error instanceof SessionError) || error.missing.length === 0) throw error;
          await current.sender.resend(error.missing);
          continue;
        }
        setTrouble(null);
        setPhase({ kind: 'finished', seconds: Math.round((stoppedAt - current.startedAt) / 1000) });
        onFinished(current.session.assetId);
        return;
      }
      setPhase({ kind: 'failed', message: 'Some chunks could not be sent. Check the connection, then finish again.', canFinish: true });
    } catch (error) {
      // a refused chunk stays refused; a network failure or a missing chunk may go through next time
      setPhase({ kind: 'failed', message: messageOf(error), canFinish: !(error instanceof ChunkRefused) });
    }
  };

  const stop = () => {
    const current = run.current;
    if (!current || current.recorder.state === 'inactive') return;
    current.stoppedAt = Date.now();
    setPhase({ kind: 'finishing', startedAt: current.startedAt, stoppedAt: current.stoppedAt });
    current.recorder.stop();
  };

  return { phase, level, chunks, trouble, start, stop, finish };
}

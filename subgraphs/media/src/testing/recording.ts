import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Viewer } from '@wavegraph/auth';
import type { MediaHarness } from './harness';

const run = promisify(execFile);

export const START_RECORDING = `mutation($episodeId: ID!, $mimeType: String!) { startRecordingSession(episodeId: $episodeId, mimeType: $mimeType) {
  id status mimeType chunksReceived bytesReceived highestSequence missing expiresAt chunkUrl token maxChunkBytes asset { id status } episode { id }
} }`;

export const RECORDING_SESSION = `query($id: ID!) { recordingSession(id: $id) { id status chunksReceived bytesReceived highestSequence missing lastSequence failureReason asset { id status } } }`;

export const FINISH_RECORDING = `mutation($id: ID!, $last: Int!) { finishRecordingSession(id: $id, lastSequence: $last) {
  id status chunksReceived lastSequence failureReason finishedAt asset { id status }
} }`;

export interface StartedSession {
  id: string;
  status: string;
  chunksReceived: number;
  bytesReceived: number;
  missing: number[];
  expiresAt: string;
  chunkUrl: string;
  token: string;
  maxChunkBytes: number;
  asset: { id: string; status: string };
}

export async function startRecording(h: MediaHarness, as: Viewer, episodeId: string, mimeType = 'audio/webm;codecs=opus'): Promise<StartedSession> {
  const res = await h.call<{ startRecordingSession: StartedSession }>(START_RECORDING, { episodeId, mimeType }, as);
  if (res.errors) throw new Error(`startRecordingSession failed: ${JSON.stringify(res.errors)}`);
  return res.data!.startRecordingSession;
}

export interface ChunkAnswer {
  status: number;
  body: { error?: { code: string; message: string; [key: string]: unknown }; created?: boolean; chunksReceived?: number; bytesReceived?: number; sha256?: string };
}

/** PUT one chunk, as a browser would (`token` null: no header). */
export async function putChunk(session: Pick<StartedSession, 'chunkUrl' | 'token'>, sequence: number | string, bytes: Buffer, token: string | null = session.token): Promise<ChunkAnswer> {
  const res = await fetch(`${session.chunkUrl}/${sequence}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...(token === null ? {} : { 'x-upload-token': token }) },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as ChunkAnswer['body'] };
}

/**
 * A WebM/Opus recording made by ffmpeg as MediaRecorder makes one: a live stream (no duration,
 * no cues), so only stitching and remuxing make it a seekable file with a duration.
 */
export async function webmRecording(dir: string, seconds: number): Promise<Buffer> {
  const file = path.join(dir, `recording-${seconds}.webm`);
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libopus', '-b:a', '48k',
    '-live', '1', '-cluster_time_limit', '500', '-f', 'webm', file], { timeout: 60_000 });
  return readFile(file);
}

/** Cuts bytes into `count` pieces of about equal size, as MediaRecorder's timeslices would. */
export function split(bytes: Buffer, count: number): Buffer[] {
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size))).filter((piece) => piece.length > 0);
}

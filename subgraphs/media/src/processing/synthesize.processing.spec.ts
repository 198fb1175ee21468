import { connectRedis, type Redis } from '@wavegraph/kit';
import { TEST_REDIS_URL } from '@wavegraph/testkit';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { saveScript } from '../tts/script.store';
import type { ScriptTimings } from '../tts/tts.synthesis';
import { progressChannel, type ProgressMessage } from './progress';
import { followHls, readText, waitForAsset } from './testing/expectations';
import { probe } from './testing/media.fixtures';
import { processingHarness, stepStates, type ProcessingHarness } from './testing/processing.harness';
import type { MediaWorker } from './processing.worker';

const run = promisify(execFile);

/** Silent stretches of a file as ffmpeg's silencedetect finds them: [start, end] in seconds. */
async function silences(file: string): Promise<[number, number][]> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'silencedetect=noise=-45dB:d=0.2', '-f', 'null', '-'], { maxBuffer: 16 * 1024 * 1024 });
  const starts = [...stderr.matchAll(/silence_start: (-?[\d.]+)/g)].map((m) => Number(m[1]));
  const ends = [...stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
  return starts.map((start, i) => [start, ends[i] ?? Infinity]);
}

const SCRIPT = [
  'Welcome to the river show.',
  'Today we follow the water from the mountains to the sea.',
  '',
  'The first stop is a small lake in the hills. It is very quiet there.',
  '',
  'Thank you for listening.',
].join('\n');
const SENTENCES = [
  'Welcome to the river show.',
  'Today we follow the water from the mountains to the sea.',
  'The first stop is a small lake in the hills.',
  'It is very quiet there.',
  'Thank you for listening.',
];

/** A script through the real pipeline: flite, then probe, loudness, renditions, HLS and waveform. */
describe('episodes from a script', () => {
  let h: ProcessingHarness;
  let dir: string;
  let worker: MediaWorker;
  let subscriber: Redis;
  const messages: ProgressMessage[] = [];

  beforeAll(async () => {
    h = await processingHarness();
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-tts-'));
    subscriber = connectRedis(TEST_REDIS_URL, 'subscriber', { name: 'synthesize-spec:subscriber' });
    subscriber.on('pmessage', (_pattern, _channel, raw: string) => messages.push(JSON.parse(raw) as ProgressMessage));
    await subscriber.psubscribe(progressChannel(h.prefix, '*'));
    worker = await h.startWorker();
  }, 60_000);
  afterAll(async () => {
    subscriber?.disconnect();
    await worker?.close();
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('synthesises sentence by sentence into the source, with exact timings, and ends READY like an upload', async () => {
    const id = await h.createAsset(null, 'audio/flac');
    await saveScript(h.dataSource, id, { voice: 'flite:slt', text: SCRIPT }, randomUUID());
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY', 120_000);

    const steps = await stepStates(h.dataSource, id);
    expect(Object.fromEntries(Object.entries(steps).map(([name, s]) => [name, s.status]))).toEqual({
      synthesize: 'DONE', probe: 'DONE', loudness: 'DONE', renditions: 'DONE', video: 'SKIPPED', hls: 'DONE', waveform: 'DONE', thumbnail: 'SKIPPED', storyboard: 'SKIPPED',
      transcribe: 'DONE',
    });
    // the source is FLAC where an upload's would be, its hash and size recorded
    const [row] = await h.dataSource.query('SELECT source_key, source_sha256, source_size FROM media_assets WHERE id = $1', [id]);
    expect(row.source_key).toBe(`assets/${id}/source`);
    const source = await h.storage.download(row.source_key, dir);
    const info = await probe(source);
    expect(info.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['audio', 'flac']]);
    expect(Number(row.source_size)).toBe((await h.storage.stat(row.source_key))?.size);
    expect(row.source_sha256).toMatch(/^[0-9a-f]{64}$/);

    // the rest of the pipeline ran on it
    expect(asset.outputs.renditions?.map((r) => r.name)).toEqual(['aac-128', 'aac-64']);
    expect((await followHls(h.storage, asset.outputs.hls?.masterKey as string)).variants).toHaveLength(2);
    expect(JSON.parse(await readText(h.storage, asset.outputs.waveformKey as string)).peaks.length).toBeGreaterThan(100);

    // one segment per sentence, in order, times increasing, ending with the audio
    const timings = JSON.parse(await readText(h.storage, asset.outputs.scriptTimingsKey as string)) as ScriptTimings;
    expect(asset.outputs.scriptTimingsKey).toBe(`assets/${id}/script-timings.json`);
    expect(timings.language).toBe('en-US');
    expect(timings.segments.map((s) => s.text)).toEqual(SENTENCES);
    let previousEnd = -1;
    for (const segment of timings.segments) {
      expect(segment.startSeconds).toBeGreaterThan(previousEnd);
      expect(segment.endSeconds).toBeGreaterThan(segment.startSeconds + 0.5);
      previousEnd = segment.endSeconds;
    }
    expect(timings.segments[0].startSeconds).toBe(0);
    expect(Math.abs(previousEnd - (asset.duration_seconds ?? 0))).toBeLessThan(0.05);
    expect(Math.abs(info.durationSeconds - (asset.duration_seconds ?? 0))).toBeLessThan(0.05);
    // the transcript is the script itself, at the times it is spoken (no recognition guesses)
    const [transcript] = await h.dataSource.query('SELECT engine, status, language FROM media_transcripts WHERE asset_id = $1', [id]);
    expect(transcript).toEqual({ engine: 'script', status: 'READY', language: 'en-US' });
    const segments: { text: string; start_seconds: number; end_seconds: number }[] = await h.dataSource.query(
      'SELECT text, start_seconds, end_seconds FROM media_transcript_segments WHERE asset_id = $1 ORDER BY position',
      [id],
    );
    expect(segments.map((s) => [s.text, Number(s.start_seconds), Number(s.end_seconds)])).toEqual(
      timings.segments.map((s) => [s.text, expect.closeTo(s.startSeconds, 2), expect.closeTo(s.endSeconds, 2)]),
    );
    // the pauses are where the timings say: each gap between sentences lies inside a silence of the audio
    const quiet = await silences(source);
    for (let i = 1; i < timings.segments.length; i++) {
      const [gapStart, gapEnd] = [timings.segments[i - 1].endSeconds, timings.segments[i].startSeconds];
      expect(gapEnd - gapStart).toBeGreaterThanOrEqual(0.29);
      expect(quiet.some(([from, to]) => from <= gapStart + 0.02 && to >= gapEnd - 0.02)).toBe(true);
    }
    // a paragraph break is a longer pause than a sentence break
    const gap = (i: number) => timings.segments[i].startSeconds - timings.segments[i - 1].endSeconds;
    expect(gap(2)).toBeGreaterThan(gap(1) + 0.4);

    // synthesis reported its progress like every step
    const synthesis = messages.filter((m) => m.assetId === id && m.step === 'synthesize');
    expect(synthesis[0]).toMatchObject({ status: 'RUNNING', progress: 0 });
    expect(synthesis.some((m) => m.status === 'RUNNING' && m.progress > 0 && m.progress < 100)).toBe(true);
    expect(synthesis.at(-1)).toMatchObject({ status: 'DONE', progress: 100 });
  }, 180_000);

  it('fails the asset at synthesize, for good, when the voice is no longer available', async () => {
    const id = await h.createAsset(null, 'audio/flac');
    await saveScript(h.dataSource, id, { voice: 'flite:retired', text: 'Hello.' }, randomUUID());
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'FAILED');
    expect(asset).toMatchObject({ failed_step: 'synthesize', failure_reason: 'the voice flite:retired is not available on this server' });
    expect((await stepStates(h.dataSource, id)).synthesize.attempts).toBe(1);
  }, 60_000);
});

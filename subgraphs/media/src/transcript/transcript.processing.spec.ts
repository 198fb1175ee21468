import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebVTTParser } from 'webvtt-parser';
import { assetPrefix } from '../asset/asset.outputs';
import { waitForAsset } from '../processing/testing/expectations';
import { assetState, processingHarness, stepStates, type ProcessingHarness } from '../processing/testing/processing.harness';
import { createLogger } from '@wavegraph/kit';
import { eventually } from '@wavegraph/testkit';
import { TranscriptService } from './transcript.service';
import { Retirement } from '../storage/retired';
import type { MediaWorker } from '../processing/processing.worker';
import { parseTranscriptFile } from './transcript.formats';
import { speechInParts } from './testing.speech';
import type { SegmentRow, TranscriptRow } from './transcript.store';

/** Real flite speech, ffmpeg, pocketsphinx, Postgres and Redis: the transcribe step as a worker runs it. */
describe('transcribe step', () => {
  let h: ProcessingHarness;
  let dir: string;
  let worker: MediaWorker | undefined;

  beforeAll(async () => {
    h = await processingHarness({ attempts: 2, backoffMs: 100 });
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-transcript-'));
  }, 60_000);

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  }, 30_000);

  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const transcript = async (id: string): Promise<TranscriptRow> => (await h.dataSource.query('SELECT * FROM media_transcripts WHERE asset_id = $1', [id]))[0];
  const segments = (id: string): Promise<SegmentRow[]> => h.dataSource.query('SELECT * FROM media_transcript_segments WHERE asset_id = $1 ORDER BY position', [id]);
  const published = async (episodeId: string) =>
    (await h.dataSource.query("SELECT payload FROM outbox WHERE aggregate_id = $1 AND type = 'media.TranscriptPublished' ORDER BY position", [episodeId])).map(
      (row: { payload: Record<string, unknown> }) => row.payload,
    );
  const episodeOf = async (id: string): Promise<string> => (await h.dataSource.query('SELECT episode_id FROM media_assets WHERE id = $1', [id]))[0].episode_id;
  const text = async (key: string) => readFile(await h.storage.download(key, dir), 'utf8');

  it('transcribes flite speech with pocketsphinx: words timed where they were spoken, VTT/SRT/JSON that parse back, TranscriptPublished', async () => {
    const speech = await speechInParts(dir, 'speech', ['Podcasts are a wonderful way to learn new things.', 'The weather today is sunny and warm in the mountains.']);
    worker = await h.startWorker();
    const id = await h.createAsset(speech.file, 'audio/wav');
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY', 120_000);

    const row = await transcript(id);
    expect(row).toMatchObject({ status: 'READY', engine: 'pocketsphinx', language: 'en-US', revision: 1, reason: null });
    const rows = await segments(id);
    expect(rows.length).toBeGreaterThan(0);
    const words = rows.flatMap((s) => s.words);
    for (const word of words) {
      expect(word.end).toBeGreaterThanOrEqual(word.start);
      expect(word.confidence).toBeGreaterThanOrEqual(0);
      expect(word.confidence).toBeLessThanOrEqual(1);
      expect(word.text).not.toMatch(/^<|\[|\(\d+\)$/);
    }
    // "weather" is the second word of the second part, which flite says starts at starts[1]
    const weather = words.find((w) => w.text === 'weather');
    expect(weather).toBeDefined();
    expect(Math.abs(weather!.start - speech.starts[1])).toBeLessThan(1);
    expect(words.find((w) => w.text === 'mountains')?.start).toBeGreaterThan(speech.starts[1]);
    expect(rows.at(-1)!.end_seconds).toBeLessThanOrEqual((asset.duration_seconds ?? 0) + 0.05);

    // the three files, read back by a VTT parser, our SRT reader and as JSON
    expect(asset.outputs.transcript).toEqual({ status: 'READY', vttKey: row.vtt_key, srtKey: row.srt_key, jsonKey: row.json_key });
    const vtt = await text(row.vtt_key!);
    const parsedVtt = new WebVTTParser().parse(vtt, 'subtitles');
    expect(parsedVtt.errors).toEqual([]);
    expect(parsedVtt.cues.map((c) => [c.startTime, c.endTime, c.text])).toEqual(rows.map((s) => [s.start_seconds, s.end_seconds, s.text]));
    expect(parseTranscriptFile(await text(row.srt_key!), 'SRT').map((s) => [s.start, s.end, s.text])).toEqual(rows.map((s) => [s.start_seconds, s.end_seconds, s.text]));
    const json = JSON.parse(await text(row.json_key!));
    expect(json).toEqual({ version: '1.0.0', segments: rows.map((s) => ({ startTime: s.start_seconds, endTime: s.end_seconds, body: s.text })) });
    for (const key of [row.vtt_key, row.srt_key, row.json_key]) expect(key!.startsWith(`${assetPrefix(id)}transcript/`)).toBe(true);

    const events = await published(await episodeOf(id));
    expect(events).toEqual([
      expect.objectContaining({ revision: 1, language: 'en-US', engine: 'pocketsphinx', segments: rows.map((s) => ({ startSeconds: s.start_seconds, endSeconds: s.end_seconds, text: s.text, words: s.words.map((w) => ({ text: w.text, startSeconds: w.start })) })) }),
    ]);
    expect((await stepStates(h.dataSource, id)).transcribe).toMatchObject({ status: 'DONE', progress: 100, attempts: 1 });
  }, 180_000);

  it('records UNSUPPORTED for a language the engine does not know, and the asset is READY', async () => {
    const speech = await speechInParts(dir, 'french', ['Hello there.']);
    worker = await h.startWorker();
    const id = await h.createAsset(speech.file, 'audio/wav');
    const episodeId = await episodeOf(id);
    await h.dataSource.query("INSERT INTO media_episode_transcripts (episode_id, language) VALUES ($1, 'fr-FR')", [episodeId]);
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY', 120_000);
    expect(await transcript(id)).toMatchObject({ status: 'UNSUPPORTED', language: 'fr-FR', engine: 'pocketsphinx', vtt_key: null, reason: expect.stringContaining('fr-FR') });
    expect(await segments(id)).toEqual([]);
    expect(asset.outputs.transcript).toEqual({ status: 'UNSUPPORTED' });
    expect(await published(episodeId)).toEqual([expect.objectContaining({ revision: 1, language: 'fr-FR', segments: [] })]);
    expect((await stepStates(h.dataSource, id)).transcribe.status).toBe('DONE');
  }, 180_000);

  it('uses the script timings when the audio was made from a script (engine script, exact text)', async () => {
    const speech = await speechInParts(dir, 'script', ['First sentence here.', 'And a second one.']);
    worker = await h.startWorker();
    const id = await h.createAsset(speech.file, 'audio/wav');
    const key = `${assetPrefix(id)}script-timings.json`;
    const timings = path.join(dir, 'timings.json');
    const script = [
      { startSeconds: 0, endSeconds: speech.starts[1], text: 'First sentence here.' },
      { startSeconds: speech.starts[1], endSeconds: speech.duration, text: 'And a second one.' },
    ];
    await writeFile(timings, JSON.stringify({ language: 'en-GB', segments: script }));
    await h.storage.putFile(key, timings, 'application/json');
    await h.dataSource.query("UPDATE media_assets SET outputs = jsonb_build_object('scriptTimingsKey', $2::text) WHERE id = $1", [id, key]);
    await h.queue.start(id);
    await waitForAsset(h.dataSource, id, 'READY', 120_000);

    expect(await transcript(id)).toMatchObject({ status: 'READY', engine: 'script', language: 'en-GB' });
    const rows = await segments(id);
    expect(rows.map((s) => s.text)).toEqual(['First sentence here.', 'And a second one.']);
    expect(rows[1].start_seconds).toBeCloseTo(speech.starts[1], 3);
    expect(rows[1].words.map((w) => [w.text, w.confidence])).toEqual([['And', 1], ['a', 1], ['second', 1], ['one.', 1]]);
    expect(rows[1].words[0].start).toBeCloseTo(speech.starts[1], 3);
    expect(rows[1].words.at(-1)!.end).toBeCloseTo(speech.duration, 2);
  }, 180_000);

  it('script timings that cannot be read leave the transcript FAILED, not the asset', async () => {
    const speech = await speechInParts(dir, 'bad-script', ['A short line.']);
    worker = await h.startWorker();
    const id = await h.createAsset(speech.file, 'audio/wav');
    const key = `${assetPrefix(id)}script-timings.json`;
    await h.storage.put(key, Buffer.from(JSON.stringify({ language: 'en-US', segments: [{ startSeconds: -1, text: 'no end' }] })));
    await h.dataSource.query("UPDATE media_assets SET outputs = jsonb_build_object('scriptTimingsKey', $2::text) WHERE id = $1", [id, key]);
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY', 120_000);
    expect(await transcript(id)).toMatchObject({ status: 'FAILED', engine: 'script', reason: expect.stringContaining('script timings are not valid') });
    expect(asset.outputs.transcript).toEqual({ status: 'FAILED' });
  }, 180_000);

  it('a recogniser failing on every attempt leaves the transcript FAILED with its reason and the asset READY', async () => {
    const speech = await speechInParts(dir, 'failing', ['This will not be heard.']);
    worker = await h.startWorker({
      env: { ...h.env, MEDIA_TRANSCRIPT_ENGINE: 'command', MEDIA_TRANSCRIPT_COMMAND: JSON.stringify(['sh', '-c', 'echo "model not loaded" >&2; exit 3']), MEDIA_TRANSCRIPT_LANGUAGES: 'en-US' },
    });
    const id = await h.createAsset(speech.file, 'audio/wav');
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY', 120_000);
    expect(asset.failed_step).toBeNull();
    expect(await transcript(id)).toMatchObject({ status: 'FAILED', engine: 'command', reason: expect.stringContaining('model not loaded') });
    expect(asset.outputs.transcript).toEqual({ status: 'FAILED' });
    // the first attempt was retried; the second, the last, recorded the failure
    expect((await stepStates(h.dataSource, id)).transcribe).toMatchObject({ status: 'DONE', attempts: 2 });
    expect(await published(await episodeOf(id))).toEqual([expect.objectContaining({ engine: 'command', segments: [] })]);
  }, 180_000);

  it('transcribes READY media again in a new language, with the asset READY throughout and no second MediaReady', async () => {
    const speech = await speechInParts(dir, 'relanguage', ['Good morning and welcome.']);
    worker = await h.startWorker();
    const id = await h.createAsset(speech.file, 'audio/wav');
    await h.queue.start(id);
    await waitForAsset(h.dataSource, id, 'READY', 120_000);
    const first = await transcript(id);
    expect(first).toMatchObject({ status: 'READY', revision: 1 });
    const [{ owner_id: ownerId }] = await h.dataSource.query('SELECT owner_id FROM media_assets WHERE id = $1', [id]);

    const service = new TranscriptService(h.dataSource, h.storage, new Retirement(h.dataSource, h.storage, 0), h.queue, createLogger('transcript-spec'));
    const pending = await service.setLanguage({ id: ownerId, role: 'USER', plan: 'FREE' }, await episodeOf(id), 'fr-FR');
    expect(pending).toMatchObject({ status: 'PENDING', language: 'fr-FR', revision: 1 });
    await eventually(async () => expect((await transcript(id)).status).toBe('UNSUPPORTED'), 60_000);
    expect(await transcript(id)).toMatchObject({ language: 'fr-FR', revision: 2, vtt_key: null });
    const asset = await assetState(h.dataSource, id);
    expect(asset.status).toBe('READY');
    expect(asset.outputs.transcript).toEqual({ status: 'UNSUPPORTED' });
    // the files of the English transcript go once nothing points at them (just after the step's commit)
    await eventually(async () => expect(await h.storage.list(`${assetPrefix(id)}transcript/`)).toEqual([]), 10_000);
    expect((await stepStates(h.dataSource, id)).transcribe).toMatchObject({ status: 'DONE', attempts: 2 });
    expect((await h.dataSource.query("SELECT type FROM outbox WHERE aggregate_id = $1", [id])).map((e: { type: string }) => e.type)).toEqual(['media.MediaReady']);
    expect((await published(await episodeOf(id))).map((e: { revision: number }) => e.revision)).toEqual([1, 2]);
  }, 180_000);

  it('queues again from the database a transcription Redis never got (the queue was down when the language changed)', async () => {
    const speech = await speechInParts(dir, 'lost', ['See you next week.']);
    worker = await h.startWorker({ reconcileGraceMs: 0, reconcileIntervalMs: 600_000 });
    const id = await h.createAsset(speech.file, 'audio/wav');
    await h.queue.start(id);
    await waitForAsset(h.dataSource, id, 'READY', 120_000);
    const [{ owner_id: ownerId }] = await h.dataSource.query('SELECT owner_id FROM media_assets WHERE id = $1', [id]);
    const down = { start: async () => undefined, transcribe: async () => Promise.reject(new Error('Redis is away')) };
    const service = new TranscriptService(h.dataSource, h.storage, new Retirement(h.dataSource, h.storage, 0), down, createLogger('transcript-spec'));
    await expect(service.setLanguage({ id: ownerId, role: 'USER', plan: 'FREE' }, await episodeOf(id), 'de-DE')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect((await transcript(id)).status).toBe('PENDING');

    expect(await worker.reconciler.runNow()).toEqual({ requeued: 0, retranscribed: 1, chapters: 0 });
    await eventually(async () => expect((await transcript(id)).status).toBe('UNSUPPORTED'), 60_000);
    expect(await transcript(id)).toMatchObject({ language: 'de-DE', revision: 2 });
    // done: nothing left to restore
    expect(await worker.reconciler.runNow()).toEqual({ requeued: 0, retranscribed: 0, chapters: 0 });
  }, 180_000);
});

import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { connectRedis, type Redis } from '@wavegraph/kit';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assetPrefix, sourceKey } from '../asset/asset.outputs';
import { Retirement } from '../storage/retired';
import { removeUnreferenced } from './cleanup';
import { FINALIZE, PROCESSING_QUEUE, processingJobId } from './processing.jobs';
import { STEPS } from './processing.port';
import { prepareRerun } from './processing.rerun';
import { progressChannel, type ProgressMessage } from './progress';
import { followHls, waitForAsset } from './testing/expectations';
import { loudNoise, measureLoudness, mp3WithCover, probe, quietSine, randomBytesFile, shortVideo, stillImage, textAsMp3 } from './testing/media.fixtures';
import { outboxEvents, processingHarness, stepStates, type ProcessingHarness } from './testing/processing.harness';
import type { MediaWorker } from './processing.worker';

/** Real ffmpeg, Postgres and Redis: flows run by a worker with sandboxed processors, as in production. */
describe('media processing', () => {
  let h: ProcessingHarness;
  let dir: string;
  let subscriber: Redis;
  let jobs: Queue;
  let jobsConnection: Redis;
  let worker: MediaWorker;
  const progress = new Map<string, ProgressMessage[]>();

  beforeAll(async () => {
    h = await processingHarness();
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-media-fixtures-'));
    subscriber = connectRedis(TEST_REDIS_URL, 'subscriber', { name: 'processing-spec:subscriber' });
    subscriber.on('pmessage', (_pattern, _channel, raw: string) => {
      const message = JSON.parse(raw) as ProgressMessage;
      progress.set(message.assetId, [...(progress.get(message.assetId) ?? []), message]);
    });
    await subscriber.psubscribe(progressChannel(h.prefix, '*'));
    jobsConnection = connectRedis(TEST_REDIS_URL, 'blocking', { name: 'processing-spec:jobs' });
    jobs = new Queue(PROCESSING_QUEUE, { connection: jobsConnection, prefix: h.prefix });
    worker = await h.startWorker();
  }, 60_000);

  afterAll(async () => {
    await jobs?.close();
    jobsConnection?.disconnect();
    subscriber?.disconnect();
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const local = (key: string) => h.storage.download(key, dir);

  /** The rendition, as a listener downloads it, measures -16 LUFS ±1 with true peak ≤ -1 dBTP. */
  async function expectPodcastLoudness(key: string) {
    const measured = await measureLoudness(await local(key));
    expect(Math.abs(measured.integratedLufs - -16)).toBeLessThanOrEqual(1);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(-1);
  }

  it('normalises a quiet recording to -16 LUFS and produces renditions, HLS, a waveform and MediaReady', async () => {
    const source = await quietSine(dir, 8);
    const id = await h.createAsset(source, 'audio/wav');
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY');

    // probe
    expect(asset).toMatchObject({ codec: 'pcm_s16le', channels: 2, sample_rate: 44100, has_video: false });
    expect(Math.abs((asset.duration_seconds ?? 0) - 8)).toBeLessThan(0.1);
    expect(asset.ready_at).not.toBeNull();
    // loudness: the quiet input was measured, the stored numbers describe the output
    expect(asset.input_lufs).toBeLessThan(-45);
    expect(Math.abs((asset.integrated_lufs ?? 0) - -16)).toBeLessThanOrEqual(1);
    expect(asset.true_peak_dbtp).toBeLessThanOrEqual(-1);

    const { outputs } = asset;
    expect(outputs.renditions?.map((r) => [r.name, r.bitrateKbps, r.mimeType])).toEqual([['aac-128', 128, 'audio/mp4'], ['aac-64', 64, 'audio/mp4']]);
    for (const rendition of outputs.renditions ?? []) {
      await expectPodcastLoudness(rendition.key);
      const info = await probe(await local(rendition.key));
      expect(info.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['audio', 'aac']]);
      expect(Math.abs(info.durationSeconds - 8)).toBeLessThan(0.1);
      expect((await h.storage.stat(rendition.key))?.size).toBe(rendition.sizeBytes);
    }
    const master = await probe(await local(outputs.normalizedKey as string));
    expect(master.streams[0]).toMatchObject({ codec_name: 'flac', sample_rate: '48000' });

    const hls = await followHls(h.storage, outputs.hls?.masterKey as string);
    expect(hls.variants.map((v) => [v.uri, v.codecs])).toEqual([['aac-128/index.m3u8', 'mp4a.40.2'], ['aac-64/index.m3u8', 'mp4a.40.2']]);
    expect(hls.variants[0]!.bandwidth).toBeGreaterThan(hls.variants[1]!.bandwidth);
    for (const variant of hls.variants) {
      expect(variant.segments).toBe(2); // 8 s in 6 s segments
      expect(Math.abs(variant.seconds - 8)).toBeLessThan(0.1);
    }
    expect(outputs.hls?.variants.map((v) => v.playlistKey)).toEqual(hls.keys.filter((key) => key.endsWith('index.m3u8')));

    const waveform = JSON.parse(await readFile(await local(outputs.waveformKey as string), 'utf8')) as { samplesPerPeak: number; peaks: number[] };
    expect(waveform.samplesPerPeak).toBe(64); // 8 s × 8000 Hz / 1000 peaks
    expect(waveform.peaks).toHaveLength(1000);
    expect(waveform.peaks.every((p) => p >= 0 && p <= 1)).toBe(true);
    // a steady tone normalised to -16 LUFS: every block peaks at the same, audible level
    expect(Math.min(...waveform.peaks.slice(1, -1))).toBeGreaterThan(0.1);

    expect(outputs.thumbnailKey).toBeUndefined();
    // a tone has no words, yet its (empty or nearly empty) transcript is made and filed like any other
    expect(outputs.transcript?.status).toBe('READY');
    const transcriptKeys = [outputs.transcript?.vttKey, outputs.transcript?.srtKey, outputs.transcript?.jsonKey];
    expect(await h.storage.list(assetPrefix(id))).toEqual(
      [sourceKey(id), outputs.normalizedKey, ...(outputs.renditions ?? []).map((r) => r.key), ...hls.keys, outputs.waveformKey, ...transcriptKeys].sort(),
    );

    const steps = await stepStates(h.dataSource, id);
    expect(Object.fromEntries(Object.entries(steps).map(([step, s]) => [step, [s.status, s.progress, s.attempts]]))).toEqual({
      // an uploaded source: nothing to synthesise
      synthesize: ['SKIPPED', 100, 1],
      probe: ['DONE', 100, 1],
      loudness: ['DONE', 100, 1],
      renditions: ['DONE', 100, 1],
      video: ['SKIPPED', 100, 1],
      hls: ['DONE', 100, 1],
      waveform: ['DONE', 100, 1],
      thumbnail: ['SKIPPED', 100, 1],
      storyboard: ['SKIPPED', 100, 1],
      transcribe: ['DONE', 100, 1],
    });
    expect(await outboxEvents(h.dataSource, id)).toEqual([
      {
        type: 'media.MediaReady',
        payload: expect.objectContaining({ assetId: id, durationSeconds: asset.duration_seconds, hasVideo: false, integratedLufs: asset.integrated_lufs }),
      },
    ]);
    // what a feed's enclosure needs, as the renditions were written
    const [{ payload }] = await outboxEvents(h.dataSource, id);
    expect((payload as { renditions: unknown }).renditions).toEqual(
      asset.outputs.renditions?.map((r) => ({ name: r.name, mimeType: r.mimeType, sizeBytes: r.sizeBytes })),
    );
    expect(asset.outputs.renditions?.length).toBeGreaterThan(0);
  }, 120_000);

  it('brings a far too loud recording down to -16 LUFS under -1 dBTP, reporting progress as it goes', async () => {
    const source = await loudNoise(dir, 40);
    const before = await measureLoudness(source);
    expect(before.integratedLufs).toBeGreaterThan(-12);
    const id = await h.createAsset(source);
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY');
    expect(asset).toMatchObject({ codec: 'mp3', has_video: false });
    expect(Math.abs((asset.duration_seconds ?? 0) - 40)).toBeLessThan(0.1);
    expect(asset.input_lufs).toBeGreaterThan(-12);
    for (const rendition of asset.outputs.renditions ?? []) await expectPodcastLoudness(rendition.key);

    const messages = progress.get(id) ?? [];
    const loudness = messages.filter((m) => m.step === 'loudness');
    expect(loudness[0]).toEqual({ assetId: id, step: 'loudness', progress: 0, status: 'RUNNING' });
    expect(loudness.at(-1)).toEqual({ assetId: id, step: 'loudness', progress: 100, status: 'DONE' });
    const values = loudness.map((m) => m.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.filter((v) => v > 0 && v < 100).length).toBeGreaterThan(0);
    expect(messages.at(-1)).toEqual({ assetId: id, step: 'finalize', progress: 100, status: 'DONE' });
  }, 120_000);

  it('gives a video audio-only renditions and a JPEG thumbnail', async () => {
    const id = await h.createAsset(await shortVideo(dir, 5), 'video/mp4');
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY');
    expect(asset).toMatchObject({ has_video: true, codec: 'aac', channels: 1 });
    expect(Math.abs((asset.duration_seconds ?? 0) - 5)).toBeLessThan(0.1);
    const thumbnail = await readFile(await local(asset.outputs.thumbnailKey as string));
    expect(thumbnail.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const info = await probe(await local(asset.outputs.thumbnailKey as string));
    expect(info.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'mjpeg' });
    for (const rendition of asset.outputs.renditions ?? []) {
      expect((await probe(await local(rendition.key))).streams.map((s) => s.codec_type)).toEqual(['audio']);
      await expectPodcastLoudness(rendition.key);
    }
    expect((await stepStates(h.dataSource, id)).thumbnail).toMatchObject({ status: 'DONE', progress: 100 });
    expect((await outboxEvents(h.dataSource, id))[0]?.payload).toMatchObject({ hasVideo: true });
  }, 120_000);

  it.each([
    // ffprobe's words for bytes no format claims depend on what it guesses them to be; that it says why is what counts
    ['random bytes', randomBytesFile, /^not an audio or video file: \S/],
    ['a text file named .mp3', textAsMp3, /^not an audio or video file: /],
    ['a still image', stillImage, /^the video has no audio track/],
  ])('rejects %s at probe for good: FAILED with the reason, MediaFailed, no retries', async (_what, make, reason) => {
    const id = await h.createAsset(await make(dir));
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'FAILED');
    expect(asset.failed_step).toBe('probe');
    expect(asset.failure_reason).toMatch(reason);
    expect(asset.failure_reason).not.toContain(h.mediaDir); // no server paths in what creators read
    const steps = await stepStates(h.dataSource, id);
    expect(steps.probe).toMatchObject({ status: 'FAILED', attempts: 1, reason: asset.failure_reason });
    expect(steps.loudness).toMatchObject({ status: 'PENDING', attempts: 0 });
    // published once the row says FAILED, with the reason creators read
    await eventually(async () => expect(progress.get(id)?.at(-1)).toEqual({ assetId: id, step: 'probe', progress: 0, status: 'FAILED', reason: asset.failure_reason }));
    // the runner records the failure before BullMQ marks the attempt: wait for BullMQ's side too
    const probeJob = await eventually(async () => {
      const found = await jobs.getJob(processingJobId(id, 0, 'probe'));
      expect(await found?.getState()).toBe('failed');
      return found;
    });
    // started once and never again: BullMQ's count of starts is written before the step runs
    expect(probeJob?.attemptsStarted).toBe(1);
    expect(await outboxEvents(h.dataSource, id)).toEqual([
      { type: 'media.MediaFailed', payload: expect.objectContaining({ assetId: id, step: 'probe', reason: asset.failure_reason }) },
    ]);
    expect(await h.storage.list(assetPrefix(id))).toEqual([sourceKey(id)]);
  }, 60_000);

  it('retries a failing step with backoff, then FAILS it, and processes it again once the cause is fixed', async () => {
    const id = await h.createAsset(null); // the source object is missing: a transient-looking error
    await h.queue.start(id);
    const failed = await waitForAsset(h.dataSource, id, 'FAILED');
    expect(failed.failed_step).toBe('probe');
    expect(failed.failure_reason).toMatch(/ENOENT|no such file/);
    expect(failed.failure_reason).not.toContain(h.mediaDir);
    expect((await stepStates(h.dataSource, id)).probe).toMatchObject({ status: 'FAILED', attempts: 3 });
    // the runner records the failure before BullMQ marks its last attempt: wait for BullMQ's side too
    const job = await eventually(async () => {
      const found = await jobs.getJob(processingJobId(id, 0, 'probe'));
      expect(await found?.getState()).toBe('failed');
      return found;
    });
    expect(job?.attemptsMade).toBe(3);

    await h.storage.putFile(sourceKey(id), await quietSine(dir, 8));
    expect(await prepareRerun(h.dataSource, id, 'failed')).toBe(1);
    await h.queue.start(id);
    const ready = await waitForAsset(h.dataSource, id, 'READY');
    expect(ready).toMatchObject({ run: 1, failed_step: null, failure_reason: null });
    expect((await stepStates(h.dataSource, id)).probe).toMatchObject({ status: 'DONE', attempts: 4, reason: null });
    expect((await outboxEvents(h.dataSource, id)).map((e) => e.type)).toEqual(['media.MediaFailed', 'media.MediaReady']);
  }, 90_000);

  it('adds one flow however often a run is started, and emits MediaReady once', async () => {
    const id = await h.createAsset(await quietSine(dir, 3));
    await Promise.all([h.queue.start(id), h.queue.start(id), h.queue.start(id)]);
    await waitForAsset(h.dataSource, id, 'READY');
    await h.queue.start(id); // again after completion: the finished jobs keep their ids
    const ids = (await jobs.getJobs(['completed', 'waiting', 'active', 'delayed', 'waiting-children'])).map((j) => j.id).filter((jid) => jid?.startsWith(id));
    expect(ids.sort()).toEqual(([FINALIZE, ...STEPS] as const).map((name) => processingJobId(id, 0, name)).sort());
    expect((await outboxEvents(h.dataSource, id)).map((e) => e.type)).toEqual(['media.MediaReady']);
  }, 60_000);

  it('takes the cover art of an audio file as its thumbnail, without calling it a video', async () => {
    const source = await mp3WithCover(dir, 4);
    const id = await h.createAsset(source);
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY');
    expect(asset).toMatchObject({ has_video: false, codec: 'mp3' });
    expect(Math.abs((asset.duration_seconds ?? 0) - (await probe(source)).durationSeconds)).toBeLessThan(0.1);
    const info = await probe(await local(asset.outputs.thumbnailKey as string));
    expect(info.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'mjpeg' });
    expect((await stepStates(h.dataSource, id)).thumbnail).toMatchObject({ status: 'DONE' });
  }, 60_000);

  it('processes a replaced source from scratch, leaving none of the old objects behind', async () => {
    const id = await h.createAsset(await shortVideo(dir, 14), 'video/mp4');
    await h.queue.start(id);
    const first = await waitForAsset(h.dataSource, id, 'READY');
    expect(first.outputs.thumbnailKey).toBeDefined();
    // the 240p picture of the video, then the two audio-only variants
    expect((await followHls(h.storage, first.outputs.hls?.masterKey as string)).variants.map((v) => v.segments)).toEqual([3, 3, 3]);

    await h.storage.putFile(sourceKey(id), await quietSine(dir, 8));
    expect(await prepareRerun(h.dataSource, id, 'all')).toBe(1);
    await h.queue.start(id);
    const second = await waitForAsset(h.dataSource, id, 'READY');
    expect(second).toMatchObject({ has_video: false, codec: 'pcm_s16le', run: 1 });
    expect(second.outputs.thumbnailKey).toBeUndefined();
    expect(second.outputs.video).toBeUndefined();
    const hls = await followHls(h.storage, second.outputs.hls?.masterKey as string);
    expect(hls.variants.map((v) => v.segments)).toEqual([2, 2]);
    // the first run's objects go right after READY is committed
    await eventually(async () =>
      expect(await h.storage.list(assetPrefix(id))).toEqual(
        [
          sourceKey(id), second.outputs.normalizedKey, ...(second.outputs.renditions ?? []).map((r) => r.key), ...hls.keys, second.outputs.waveformKey,
          // the first run's transcript files went when the second one replaced them
          second.outputs.transcript?.vttKey, second.outputs.transcript?.srtKey, second.outputs.transcript?.jsonKey,
        ].sort(),
      ),
    );
    expect(Object.values(await stepStates(h.dataSource, id)).map((s) => s.attempts)).toEqual(STEPS.map(() => 2));
    expect((await outboxEvents(h.dataSource, id)).map((e) => [e.type, e.payload.hasVideo])).toEqual([['media.MediaReady', true], ['media.MediaReady', false]]);

    // a late write of an old run is garbage; a newer run's folder is not
    await h.storage.put(`${assetPrefix(id)}run-0/renditions/late.m4a`, Buffer.from('late'));
    await h.storage.put(`${assetPrefix(id)}run-2/renditions/aac-64.m4a`, Buffer.from('next'));
    expect(await removeUnreferenced({ dataSource: h.dataSource, storage: h.storage, retirement: new Retirement(h.dataSource, h.storage, 0) }, id)).toEqual([`${assetPrefix(id)}run-0/renditions/late.m4a`]);
  }, 90_000);

  it('records a failure that never reached the processor (a job that kept killing its workers)', async () => {
    await worker.worker.pause();
    // stands in for BullMQ's stalled-job check giving up on a job: it fails without our processor running
    const rogueConnection = connectRedis(TEST_REDIS_URL, 'blocking', { name: 'processing-spec:rogue' });
    const rogue = new Worker(PROCESSING_QUEUE, async () => Promise.reject(new UnrecoverableError('job stalled more than allowable limit')), { connection: rogueConnection, prefix: h.prefix });
    try {
      const id = await h.createAsset(await quietSine(dir, 3));
      await h.queue.start(id);
      // the flow's first job fails, whichever step it is
      const asset = await waitForAsset(h.dataSource, id, 'FAILED', 20_000);
      expect(asset).toMatchObject({ failed_step: 'synthesize', failure_reason: 'job stalled more than allowable limit' });
      expect((await stepStates(h.dataSource, id)).synthesize).toMatchObject({ status: 'FAILED', reason: 'job stalled more than allowable limit' });
      // the worker's listener tells subscribers too: no processor ran to do it
      await eventually(async () =>
        expect(progress.get(id)).toEqual([{ assetId: id, step: 'synthesize', progress: 0, status: 'FAILED', reason: 'job stalled more than allowable limit' }]),
      );
      // the parents failing after it do not overwrite the cause or add events
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await outboxEvents(h.dataSource, id)).toEqual([{ type: 'media.MediaFailed', payload: expect.objectContaining({ step: 'synthesize' }) }]);
    } finally {
      await rogue.close();
      rogueConnection.disconnect();
      worker.worker.resume();
    }
  }, 60_000);
});

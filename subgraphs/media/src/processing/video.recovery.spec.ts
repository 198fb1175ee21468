import { connectRedis, type Redis } from '@wavegraph/kit';
import { eventually, startPrivateRedis, type PrivateRedis } from '@wavegraph/testkit';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROCESSING_QUEUE, processingJobId, VIDEO_QUEUE } from './processing.jobs';
import { progressChannel, type ProgressMessage } from './progress';
import { followHls, waitForAsset } from './testing/expectations';
import { videoWithTone } from './testing/media.fixtures';
import { outboxEvents, processingHarness, stepStates, type ProcessingHarness } from './testing/processing.harness';

/** The video queue when things go wrong: Redis loses its jobs, a step keeps failing, a job fails without its processor. */
describe('video processing recovered and failed', () => {
  let redis: PrivateRedis;
  let h: ProcessingHarness;
  let dir: string;
  let admin: Redis;
  let subscriber: Redis;
  let videoJobs: Queue;
  const progress = new Map<string, ProgressMessage[]>();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    h = await processingHarness({ attempts: 3, backoffMs: 200 }, redis.url);
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-media-video-recovery-'));
    admin = connectRedis(redis.url, 'command', { name: 'video-recovery-spec:admin' });
    videoJobs = new Queue(VIDEO_QUEUE, { connection: admin, prefix: h.prefix });
    subscriber = connectRedis(redis.url, 'subscriber', { name: 'video-recovery-spec:subscriber' });
    subscriber.on('pmessage', (_pattern, _channel, raw: string) => {
      const message = JSON.parse(raw) as ProgressMessage;
      progress.set(message.assetId, [...(progress.get(message.assetId) ?? []), message]);
    });
    await subscriber.psubscribe(progressChannel(h.prefix, '*'));
  }, 60_000);

  afterAll(async () => {
    await videoJobs?.close();
    admin?.disconnect();
    subscriber?.disconnect();
    await h?.stop();
    await redis?.destroy();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('reports the progress of the ladder live, and queues the flow again when Redis loses it mid-encode: READY once', async () => {
    const id = await h.createAsset(await videoWithTone(dir, 1280, 720, 12), 'video/mp4');
    const worker = await h.startWorker({ reconcileGraceMs: 0, reconcileIntervalMs: 600_000 });
    const asset = await (async () => {
      try {
        await worker.reconciler.runNow();
        await h.queue.start(id);
        await eventually(async () => {
          const video = (await stepStates(h.dataSource, id)).video;
          return video?.status === 'RUNNING' && video.progress >= 10;
        }, 120_000, 20);
        // the video queue's running child, its waiting parent and everything above vanish
        await admin.flushall();
        expect(await worker.reconciler.runNow()).toEqual({ requeued: 1, retranscribed: 0, chapters: 0 });
        return await waitForAsset(h.dataSource, id, 'READY', 240_000);
      } finally {
        // a worker left running would take the next scenario's jobs
        await worker.close();
      }
    })();

    const steps = await stepStates(h.dataSource, id);
    expect([steps.probe?.attempts, steps.loudness?.attempts, steps.renditions?.attempts]).toEqual([1, 1, 1]);
    expect(steps.video?.status).toBe('DONE');
    expect((await followHls(h.storage, asset.outputs.hls?.masterKey as string)).variants.map((v) => v.codecs)).toEqual([
      'avc1.64001e,mp4a.40.2', 'avc1.64001f,mp4a.40.2', 'avc1.64001f,mp4a.40.2', 'mp4a.40.2', 'mp4a.40.2',
    ]);
    expect((await outboxEvents(h.dataSource, id)).map((e) => e.type)).toEqual(['media.MediaReady']);

    // what the mediaProcessing subscription relayed of the video step, the child job on the other queue
    const video = (progress.get(id) ?? []).filter((m) => m.step === 'video');
    expect(video[0]).toEqual({ assetId: id, step: 'video', progress: 0, status: 'RUNNING' });
    expect(video.at(-1)).toEqual({ assetId: id, step: 'video', progress: 100, status: 'DONE' });
    expect(video.filter((m) => m.progress > 0 && m.progress < 100).length).toBeGreaterThan(0);
  }, 300_000);

  it('retries a failing ladder on the video queue, then FAILS the asset at `video` with the reason, once', async () => {
    // an encoder setting x264 refuses: every attempt fails the same way
    const worker = await h.startWorker({ env: { ...h.env, MEDIA_VIDEO_PRESET: 'not-a-preset' } });
    try {
      const id = await h.createAsset(await videoWithTone(dir, 640, 360, 3), 'video/mp4');
      await h.queue.start(id);
      const asset = await waitForAsset(h.dataSource, id, 'FAILED', 120_000);
      expect(asset.failed_step).toBe('video');
      expect(asset.failure_reason).toMatch(/^ffmpeg failed/);
      const steps = await stepStates(h.dataSource, id);
      expect(steps.video).toMatchObject({ status: 'FAILED', attempts: 3, reason: asset.failure_reason });
      expect(steps.hls).toMatchObject({ status: 'PENDING', attempts: 0 });
      const child = await eventually(async () => {
        const found = await videoJobs.getJob(processingJobId(id, 0, 'video'));
        expect(await found?.getState()).toBe('failed');
        return found;
      });
      expect(child?.attemptsMade).toBe(3);
      // the parents failing after it add nothing
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await outboxEvents(h.dataSource, id)).toEqual([{ type: 'media.MediaFailed', payload: expect.objectContaining({ step: 'video', reason: asset.failure_reason }) }]);
    } finally {
      await worker.close();
    }
  }, 180_000);

  it('records a video job that failed without reaching its processor', async () => {
    const worker = await h.startWorker();
    await worker.videoWorker.pause();
    const rogueConnection = connectRedis(redis.url, 'blocking', { name: 'video-recovery-spec:rogue' });
    const rogue = new Worker(VIDEO_QUEUE, async () => Promise.reject(new UnrecoverableError('job stalled more than allowable limit')), { connection: rogueConnection, prefix: h.prefix });
    try {
      const id = await h.createAsset(await videoWithTone(dir, 640, 360, 3), 'video/mp4');
      await h.queue.start(id);
      const asset = await waitForAsset(h.dataSource, id, 'FAILED', 60_000);
      expect(asset).toMatchObject({ failed_step: 'video', failure_reason: 'job stalled more than allowable limit' });
      await eventually(async () =>
        expect(progress.get(id)?.at(-1)).toEqual({ assetId: id, step: 'video', progress: 0, status: 'FAILED', reason: 'job stalled more than allowable limit' }),
      );
      // the flow's own job of the step failed after its child, and said nothing new
      const parent = new Queue(PROCESSING_QUEUE, { connection: admin, prefix: h.prefix });
      await eventually(async () => expect(await (await parent.getJob(processingJobId(id, 0, 'video')))?.getState()).toBe('failed'));
      await parent.close();
      expect(await outboxEvents(h.dataSource, id)).toEqual([{ type: 'media.MediaFailed', payload: expect.objectContaining({ step: 'video' }) }]);
    } finally {
      await rogue.close();
      rogueConnection.disconnect();
      await worker.close();
    }
  }, 120_000);
});

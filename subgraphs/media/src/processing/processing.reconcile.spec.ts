import { connectRedis, createLogger, type Redis } from '@wavegraph/kit';
import { createRegistry, type Registry } from '@wavegraph/metrics';
import { eventually, startPrivateRedis, type PrivateRedis } from '@wavegraph/testkit';
import { Queue } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FINALIZE, PROCESSING_QUEUE, processingJobId } from './processing.jobs';
import { reconcileProcessing } from './processing.reconcile';
import { waitForAsset } from './testing/expectations';
import { quietSine } from './testing/media.fixtures';
import { outboxEvents, processingHarness, stepStates, type ProcessingHarness } from './testing/processing.harness';

/** Media processing when Redis comes back empty: every PROCESSING asset gets its flow back from the database. */
describe('media processing reconciled from the database', () => {
  let redis: PrivateRedis;
  let h: ProcessingHarness;
  let dir: string;
  let source: string;
  let longer: string;
  let admin: Redis;
  let jobs: Queue;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    h = await processingHarness({ attempts: 3, backoffMs: 200 }, redis.url);
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-media-reconcile-'));
    source = await quietSine(dir, 4);
    longer = await quietSine(dir, 20);
    admin = connectRedis(redis.url, 'command', { name: 'processing-reconcile-spec:admin' });
    jobs = new Queue(PROCESSING_QUEUE, { connection: admin, prefix: h.prefix });
  }, 60_000);
  afterAll(async () => {
    await jobs?.close();
    admin?.disconnect();
    await h?.stop();
    await redis?.destroy();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const finalizeState = async (id: string) => {
    const [{ run }] = await h.dataSource.query('SELECT run FROM media_assets WHERE id = $1', [id]);
    return jobs.getJobState(processingJobId(id, run, FINALIZE));
  };
  const reconciled = async (metrics: Registry): Promise<number> =>
    (await metrics.getSingleMetric('wavegraph_reconciled_jobs_total')!.get()).values.find((v) => v.labels.queue === PROCESSING_QUEUE && v.labels.kind === 'requeued')?.value ?? 0;

  it('queues again the flow Redis lost, and the flow of a finished upload that was never queued: both assets end READY, once', async () => {
    const lost = await h.createAsset(source, 'audio/wav');
    await h.queue.start(lost);
    // committed PROCESSING by a finished upload, then the API died before queueing it
    const neverQueued = await h.createAsset(source, 'audio/wav');
    expect(await finalizeState(lost)).toBe('waiting-children');

    await admin.flushall();
    expect(await finalizeState(lost)).toBe('unknown');
    expect(await finalizeState(neverQueued)).toBe('unknown');

    const metrics = createRegistry('media-worker');
    const worker = await h.startWorker({ metrics, reconcileGraceMs: 0, reconcileIntervalMs: 600_000 });
    await Promise.all([waitForAsset(h.dataSource, lost, 'READY'), waitForAsset(h.dataSource, neverQueued, 'READY')]);
    for (const id of [lost, neverQueued]) {
      expect((await outboxEvents(h.dataSource, id)).map((e) => e.type)).toEqual(['media.MediaReady']);
      expect(Object.values(await stepStates(h.dataSource, id)).map((s) => s.attempts)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    }
    expect(await reconciled(metrics)).toBe(2);
    expect(await worker.checks.reconcile()).toMatch(/^recovering: requeued 2 \(round at /);

    // a round that finds every PROCESSING asset with its flow (here: none left) restores nothing and says ok
    expect(await worker.reconciler.runNow()).toEqual({ requeued: 0 });
    expect(await worker.checks.reconcile()).toBe('ok');
    expect(await reconciled(metrics)).toBe(2);
    await worker.close();
  }, 120_000);

  it('resumes a flow Redis lost half-way: the steps already done are not run again', async () => {
    const id = await h.createAsset(longer, 'audio/wav');
    const worker = await h.startWorker({ reconcileGraceMs: 0, reconcileIntervalMs: 600_000 });
    await worker.reconciler.runNow();
    await h.queue.start(id);
    await eventually(async () => (await stepStates(h.dataSource, id)).renditions?.status === 'DONE', 60_000, 20);
    // the running step's job, and every later one, vanish under the worker
    await admin.flushall();
    expect(await worker.reconciler.runNow()).toEqual({ requeued: 1 });
    await waitForAsset(h.dataSource, id, 'READY');
    const steps = await stepStates(h.dataSource, id);
    expect([steps.probe.attempts, steps.loudness.attempts, steps.renditions.attempts]).toEqual([1, 1, 1]);
    expect((await outboxEvents(h.dataSource, id)).map((e) => e.type)).toEqual(['media.MediaReady']);
    await worker.close();
  }, 120_000);

  it('leaves an asset just committed to the API, which queues it itself, and one whose flow is there', async () => {
    const fresh = await h.createAsset(source, 'audio/wav');
    const queued = await h.createAsset(source, 'audio/wav');
    await h.dataSource.query("UPDATE media_assets SET updated_at = now() - interval '1 hour' WHERE id = $1", [queued]);
    await h.queue.start(queued);
    const started: string[] = [];
    const counts = await reconcileProcessing(h.dataSource, jobs, { start: async (assetId) => void started.push(assetId) }, createLogger('processing-reconcile-spec'), { graceMs: 30_000 });
    expect(counts).toEqual({ requeued: 0 });
    expect(started).toEqual([]);
    expect(await finalizeState(fresh)).toBe('unknown');
  });
});

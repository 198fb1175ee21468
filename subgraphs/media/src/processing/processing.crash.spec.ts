import { eventually } from '@wavegraph/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assetPrefix, sourceKey } from '../asset/asset.outputs';
import type { StepName } from './processing.port';
import { followHls, waitForAsset } from './testing/expectations';
import { filesBelow, longProgramme } from './testing/media.fixtures';
import { assetState, outboxEvents, processingHarness, stepStates, type ProcessingHarness } from './testing/processing.harness';

/** The worker process main, as deployed (built before Jest runs), with its default job locks. */
const WORKER_MAIN = path.resolve(__dirname, '..', '..', 'dist', 'worker.js');

/** Processes (the sandboxed processors and their ffmpeg) that carry this test's Redis prefix in their environment. */
async function processesOf(prefix: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(`REDIS_PREFIX=${prefix}`)) pids.push(Number(entry));
  }
  return pids;
}

describe('media worker processes', () => {
  let h: ProcessingHarness;
  let dir: string;
  let source: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    h = await processingHarness();
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-media-crash-'));
    source = await longProgramme(dir, 90);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  function spawnWorker(): ChildProcess {
    const child = spawn(process.execPath, [WORKER_MAIN], { env: { ...process.env, ...h.env, MEDIA_WORKER_CONCURRENCY: '1' }, stdio: 'ignore' });
    children.push(child);
    return child;
  }

  /** Polls the step until it runs past `atLeast` percent, returning every progress value seen. */
  async function runningPast(id: string, step: StepName, atLeast: number): Promise<number[]> {
    const seen: number[] = [];
    await eventually(async () => {
      const state = (await stepStates(h.dataSource, id))[step];
      if (state?.status === 'RUNNING' && seen.at(-1) !== state.progress) seen.push(state.progress);
      return state?.status === 'RUNNING' && state.progress >= atLeast;
    }, 90_000, 20);
    return seen;
  }

  it('a worker SIGKILLed mid-transcode: another takes the job over within 10 s and completes it, with no duplicated or partial outputs', async () => {
    const id = await h.createAsset(source, 'audio/flac');
    const doomed = spawnWorker();
    await h.queue.start(id);

    // past the first of the two AAC encodes, before anything of the step is committed
    const seen = await runningPast(id, 'renditions', 55);
    // the worker, its processor and their ffmpeg: the only processes of this prefix so far
    const doomedProcesses = await processesOf(h.prefix);
    const killedAt = Date.now();
    doomed.kill('SIGKILL');
    await once(doomed, 'exit');
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    // nothing of the interrupted step is visible
    const interrupted = await assetState(h.dataSource, id);
    expect(interrupted.status).toBe('PROCESSING');
    expect(interrupted.outputs.renditions).toBeUndefined();
    expect((await h.storage.list(assetPrefix(id))).some((key) => key.includes('/renditions/'))).toBe(false);
    // another worker with the default locks, as a deployed replica would be
    const successor = await h.startWorker();
    // the dead worker's processor and ffmpeg went down with it
    await eventually(async () => (await processesOf(h.prefix)).every((pid) => !doomedProcesses.includes(pid)), 10_000, 100);

    // the second attempt started (BullMQ found the lock gone and handed the job on) well within 10 s of the kill
    const [{ started_at: retakenAt }] = await eventually(async () => {
      const rows: { started_at: Date }[] = await h.dataSource.query("SELECT started_at FROM media_steps WHERE asset_id = $1 AND step = 'renditions' AND attempts = 2", [id]);
      return rows.length > 0 && rows;
    }, 30_000, 50);
    expect(retakenAt.getTime() - killedAt).toBeLessThan(10_000);

    const asset = await waitForAsset(h.dataSource, id, 'READY', 120_000);
    await successor.close();

    const steps = await stepStates(h.dataSource, id);
    expect(steps.renditions).toMatchObject({ status: 'DONE', attempts: 2, progress: 100 });
    expect(steps.probe).toMatchObject({ status: 'DONE', attempts: 1 });
    expect(steps.loudness).toMatchObject({ status: 'DONE', attempts: 1 });
    const hls = await followHls(h.storage, asset.outputs.hls?.masterKey as string);
    for (const variant of hls.variants) {
      expect(variant.segments).toBe(16); // 15 of 6 s (whole AAC frames: 5.995 s) and a short last one
      expect(Math.abs(variant.seconds - 90)).toBeLessThan(0.1);
    }
    expect(await h.storage.list(assetPrefix(id))).toEqual(
      [sourceKey(id), asset.outputs.normalizedKey, ...(asset.outputs.renditions ?? []).map((r) => r.key), ...hls.keys, asset.outputs.waveformKey].sort(),
    );
    // no temporary object of any attempt left in storage, no work dir of the dead processor left on disk
    expect((await filesBelow(h.storageRoot)).filter((file) => file.includes('.tmp-'))).toEqual([]);
    expect(await readdir(h.env.MEDIA_WORK_DIR as string)).toEqual([]);
    expect((await outboxEvents(h.dataSource, id)).map((e) => e.type)).toEqual(['media.MediaReady']);
  }, 240_000);

  it('a worker stopped with SIGTERM finishes its running step, then exits; the flow carries on elsewhere', async () => {
    const id = await h.createAsset(source, 'audio/flac');
    const stopping = spawnWorker();
    await h.queue.start(id);
    await runningPast(id, 'loudness', 20);
    stopping.kill('SIGTERM');
    const [code] = (await once(stopping, 'exit')) as [number | null];
    expect(code).toBe(0);

    // the running step was completed, not abandoned; nothing new was started; its processors are gone
    const steps = await stepStates(h.dataSource, id);
    expect(steps.loudness).toMatchObject({ status: 'DONE', attempts: 1, progress: 100 });
    expect(steps.renditions).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(await processesOf(h.prefix)).toEqual([]);

    const worker = await h.startWorker();
    await waitForAsset(h.dataSource, id, 'READY', 120_000);
    expect(Object.values(await stepStates(h.dataSource, id)).map((s) => s.attempts)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    await worker.close();
  }, 240_000);
});

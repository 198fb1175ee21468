import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@wavegraph/testkit';
import { sourceKey } from '../asset/asset.outputs';
import { STEPS } from '../processing/processing.port';
import { mediaProcessingTopic } from '../processing/progress';
import { quietSine, textAsMp3 } from '../processing/testing/media.fixtures';
import { seedKnownEpisode } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';
import { startRealPipeline, type RealPipeline } from '../testing/real-pipeline';

const LIVE = `subscription($id: ID!) { mediaProcessing(assetId: $id) {
  status step stepStatus reason progress done asset { id status durationSeconds failureReason }
} }`;

interface Event {
  status: string; step: string | null; stepStatus: string | null; reason: string | null; progress: number; done: boolean;
  asset: { id: string; status: string; durationSeconds: number | null; failureReason: string | null };
}

/** The subgraph and a real worker (sandboxed ffmpeg processors) on one database and Redis prefix, as deployed. */
describe('mediaProcessing follows a real processing run', () => {
  let h: MediaHarness;
  let pipeline: RealPipeline;
  let dir: string;

  beforeAll(async () => {
    h = await startMedia();
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-live-fixtures-'));
    pipeline = await startRealPipeline(h, 'live-processing-spec');
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  /** An uploaded source, as the upload leaves it: PROCESSING, every step PENDING. */
  async function uploaded(file: string, ownerId: string, mimeType: string): Promise<string> {
    const id = randomUUID();
    const episodeId = randomUUID();
    await seedKnownEpisode(h, episodeId, ownerId, 'DRAFT');
    await h.services.storage.putFile(sourceKey(id), file);
    await h.running.db.dataSource.query(
      "INSERT INTO media_assets (id, episode_id, owner_id, status, source_key, mime_type) VALUES ($1, $2, $3, 'PROCESSING', $4, $5)",
      [id, episodeId, ownerId, sourceKey(id), mimeType],
    );
    for (const step of STEPS) await h.running.db.dataSource.query('INSERT INTO media_steps (asset_id, step) VALUES ($1, $2)', [id, step]);
    return id;
  }

  async function follow(file: string, mimeType: string) {
    const owner = viewer();
    const id = await uploaded(file, owner.id, mimeType);
    const sub = h.subscribe<{ mediaProcessing: Event }>(LIVE, { id }, owner);
    await eventually(async () => h.running.pubSub.listeners(mediaProcessingTopic(id)) === 1);
    await pipeline.queue.start(id);
    expect(await sub.ended).toEqual({ completed: true });
    return { id, events: sub.results.map((r) => r.data?.mediaProcessing as Event) };
  }

  it('streams where things stand, every step as it runs, and READY last', async () => {
    const { id, events } = await follow(await quietSine(dir, 3), 'audio/wav');
    expect(events[0]).toMatchObject({ status: 'PROCESSING', step: null, progress: 0, done: false, asset: { id, durationSeconds: null } });
    const last = events.at(-1);
    expect(last).toEqual({ status: 'READY', step: 'finalize', stepStatus: 'DONE', reason: null, progress: 100, done: true, asset: expect.objectContaining({ id, status: 'READY' }) });
    expect(last?.asset.durationSeconds).toBeCloseTo(3, 0);
    expect(events.filter((e) => e.done)).toHaveLength(1);
    // each step starts, then ends, in flow order (an uploaded source needs no synthesis; the audio-only one has no picture: no video, thumbnail or storyboard)
    const skipped = ['synthesize', 'video', 'thumbnail', 'storyboard'];
    const ends = events.filter((e) => e.stepStatus === 'DONE' || e.stepStatus === 'SKIPPED').map((e) => [e.step, e.stepStatus]);
    expect(ends).toEqual([...STEPS.map((step) => [step, skipped.includes(step) ? 'SKIPPED' : 'DONE']), ['finalize', 'DONE']]);
    for (const step of STEPS) {
      const own = events.filter((e) => e.step === step);
      expect(own[0]).toMatchObject({ stepStatus: 'RUNNING', progress: 0, status: 'PROCESSING' });
      expect(own.map((e) => e.progress)).toEqual([...own.map((e) => e.progress)].sort((a, b) => a - b));
    }
  }, 120_000);

  it('ends with FAILED, the step and the reason when the source is not media', async () => {
    const { id, events } = await follow(await textAsMp3(dir), 'audio/mpeg');
    const last = events.at(-1);
    expect(last).toMatchObject({ status: 'FAILED', step: 'probe', stepStatus: 'FAILED', done: true, asset: { id, status: 'FAILED' } });
    expect(last?.reason).toMatch(/^not an audio or video file: /);
    expect(last?.reason).toBe(last?.asset.failureReason);
    expect(last?.reason).not.toContain(h.services.config.dataDir);
    expect(events.filter((e) => e.done)).toHaveLength(1);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { connectRedis, type Redis } from '@wavegraph/kit';
import { mediaProcessingTopic, publishProgress, type ProgressMessage } from '../processing/progress';
import { seedAsset } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const LIVE = `subscription($id: ID!) { mediaProcessing(assetId: $id) {
  status step stepStatus reason progress done asset { id status progress steps { name status } }
} }`;

interface Live {
  mediaProcessing: {
    status: string; step: string | null; stepStatus: string | null; reason: string | null; progress: number; done: boolean;
    asset: { id: string; status: string; progress: number };
  };
}

describe('mediaProcessing subscription', () => {
  let h: MediaHarness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startMedia();
    redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'media-live-spec' });
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.stop();
  });

  const listening = (assetId: string) => eventually(async () => h.running.pubSub.listeners(mediaProcessingTopic(assetId)) === 1);
  // the worker's own publishing, on the channel the subgraph listens to
  const worker = (message: ProgressMessage) => publishProgress(redis, h.redisPrefix, message);
  const setStatus = (id: string, status: string) => h.running.db.dataSource.query('UPDATE media_assets SET status = $2 WHERE id = $1', [id, status]);

  it("gives the owner the state now, each step's progress, then READY, and completes", async () => {
    const owner = viewer();
    const id = await seedAsset(h, { ownerId: owner.id, status: 'PROCESSING', steps: { synthesize: { status: 'SKIPPED' }, probe: { status: 'DONE' }, loudness: { status: 'RUNNING', progress: 40 } } });
    const sub = h.subscribe<Live>(LIVE, { id }, owner);
    await listening(id);
    await worker({ assetId: id, step: 'loudness', progress: 80, status: 'RUNNING' });
    await worker({ assetId: id, step: 'loudness', progress: 100, status: 'DONE' });
    await setStatus(id, 'READY');
    await worker({ assetId: id, step: 'finalize', progress: 100, status: 'DONE' });
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results.map((r) => r.data?.mediaProcessing)).toEqual([
      // (100 + 100 + 40 + 0 + 0 + 0 + 0 + 0 + 0 + 0) / 10
      expect.objectContaining({ status: 'PROCESSING', step: null, stepStatus: null, progress: 24, done: false, asset: expect.objectContaining({ id, status: 'PROCESSING' }) }),
      expect.objectContaining({ status: 'PROCESSING', step: 'loudness', stepStatus: 'RUNNING', progress: 80, done: false }),
      expect.objectContaining({ status: 'PROCESSING', step: 'loudness', stepStatus: 'DONE', progress: 100, done: false }),
      expect.objectContaining({ status: 'READY', step: 'finalize', stepStatus: 'DONE', progress: 100, done: true, asset: expect.objectContaining({ status: 'READY', progress: 100 }) }),
    ]);
    // the subscription let go of its Redis channel
    await eventually(async () => h.running.pubSub.listeners(mediaProcessingTopic(id)) === 0);
  });

  it('ends with the failed step and its reason when processing fails', async () => {
    const owner = viewer();
    const id = await seedAsset(h, { ownerId: owner.id, status: 'PROCESSING' });
    const sub = h.subscribe<Live>(LIVE, { id }, owner);
    await listening(id);
    await worker({ assetId: id, step: 'probe', progress: 0, status: 'RUNNING' });
    await setStatus(id, 'FAILED');
    await worker({ assetId: id, step: 'probe', progress: 0, status: 'FAILED', reason: 'not an audio or video file' });
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results.map((r) => r.data?.mediaProcessing)).toEqual([
      expect.objectContaining({ status: 'PROCESSING', step: null, reason: null, done: false }),
      expect.objectContaining({ status: 'PROCESSING', step: 'probe', stepStatus: 'RUNNING', reason: null, done: false }),
      expect.objectContaining({ status: 'FAILED', step: 'probe', stepStatus: 'FAILED', reason: 'not an audio or video file', done: true }),
    ]);
  });

  it('tells a late subscriber of a FAILED asset which step failed and why, in one event', async () => {
    const owner = viewer();
    const id = await seedAsset(h, { ownerId: owner.id, status: 'FAILED', failedStep: 'loudness', failureReason: 'ffmpeg exited with code 1', steps: { probe: { status: 'DONE' } } });
    const sub = h.subscribe<Live>(LIVE, { id }, owner);
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results.map((r) => r.data?.mediaProcessing)).toEqual([
      expect.objectContaining({ status: 'FAILED', step: 'loudness', stepStatus: 'FAILED', reason: 'ffmpeg exited with code 1', done: true, asset: expect.objectContaining({ id, status: 'FAILED' }) }),
    ]);
  });

  it('lets go of the Redis channel when the subscriber leaves mid-run, with no event to wake it', async () => {
    const owner = viewer();
    const id = await seedAsset(h, { ownerId: owner.id, status: 'PROCESSING' });
    const sub = h.subscribe<Live>(LIVE, { id }, owner);
    await sub.received(1);
    await listening(id);
    await sub.close();
    await eventually(async () => h.running.pubSub.listeners(mediaProcessingTopic(id)) === 0, 3000);
  });

  it('sends one event and completes for an asset that is already READY; editors follow any asset', async () => {
    const id = await seedAsset(h, { status: 'READY' });
    const sub = h.subscribe<Live>(LIVE, { id }, viewer('EDITOR'));
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results.map((r) => r.data?.mediaProcessing)).toEqual([expect.objectContaining({ status: 'READY', progress: 100, done: true, step: null })]);
  });

  const someoneElse = (): Viewer | null => viewer();
  const anonymous = (): Viewer | null => null;
  it.each([
    ['anyone else, on an asset still processing (it stays invisible)', 'PROCESSING', someoneElse, 'NOT_FOUND'],
    ['anyone else, on a READY asset', 'READY', someoneElse, 'FORBIDDEN'],
    ['an anonymous caller', 'PROCESSING', anonymous, 'UNAUTHENTICATED'],
  ] as const)('refuses %s (the asset is %s), listening to nothing', async (_who, status, who, code) => {
    const id = await seedAsset(h, { status });
    const sub = h.subscribe(LIVE, { id }, who());
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results).toEqual([expect.objectContaining({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code }) })] })]);
    expect(h.running.pubSub.listeners(mediaProcessingTopic(id))).toBe(0);
  });

  it.each([
    ['an unknown asset', randomUUID(), 'NOT_FOUND'],
    ['a malformed id', 'not-an-id', 'BAD_USER_INPUT'],
  ])('refuses %s', async (_what, id, code) => {
    const sub = h.subscribe(LIVE, { id }, viewer('ADMIN'));
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results[0]?.errors?.[0]?.extensions).toMatchObject({ code });
  });
});

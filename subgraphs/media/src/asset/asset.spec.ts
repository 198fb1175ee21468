import { randomUUID } from 'node:crypto';
import { seedAsset } from '../testing/fixtures';
import { createUpload, errorOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { tusRequest } from '@wavegraph/testkit';

const ASSET = `query($id: ID!) { mediaAsset(id: $id) {
  id status progress durationSeconds codec channels sampleRate hasVideo failedStep failureReason
  loudness { inputLufs integratedLufs truePeakDbtp } steps { name status progress attempts reason } episode { id }
} }`;
const RETRY = 'mutation($id: ID!) { retryProcessing(assetId: $id) { id status progress failedStep steps { name status } } }';
const DELETE = 'mutation($id: ID!) { deleteAsset(assetId: $id) }';
const FAILED = `query($first: Int, $after: String) { failedMediaJobs(first: $first, after: $after) {
  edges { cursor node { id failedStep failureReason steps { name status reason } } } pageInfo { hasNextPage endCursor }
} }`;

describe('media assets', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const runOf = async (id: string): Promise<number> => (await h.running.db.dataSource.query('SELECT run FROM media_assets WHERE id = $1', [id]))[0].run;

  it('shows a READY asset to anyone, with probe, loudness and steps', async () => {
    const episodeId = randomUUID();
    const id = await seedAsset(h, { episodeId });
    const res = await h.call<{ mediaAsset: Record<string, unknown> }>(ASSET, { id }, null);
    expect(res.data?.mediaAsset).toMatchObject({
      id, status: 'READY', progress: 100, durationSeconds: 61.5, codec: 'mp3', channels: 2, sampleRate: 44100, hasVideo: false,
      loudness: { inputLufs: -20.1, integratedLufs: -16, truePeakDbtp: -1.2 }, episode: { id: episodeId }, failedStep: null,
    });
    expect((res.data?.mediaAsset.steps as { name: string; status: string }[]).map((s) => `${s.name}:${s.status}`)).toEqual([
      'synthesize:DONE', 'probe:DONE', 'loudness:DONE', 'renditions:DONE', 'video:DONE', 'hls:DONE', 'waveform:DONE', 'thumbnail:DONE', 'storyboard:DONE', 'transcribe:DONE',
    ]);
  });

  it('shows an asset that is not READY only to its owner, editors and admins', async () => {
    const owner = viewer();
    const id = await seedAsset(h, {
      ownerId: owner.id, status: 'PROCESSING',
      steps: { synthesize: { status: 'SKIPPED' }, probe: { status: 'DONE' }, loudness: { status: 'DONE' }, renditions: { status: 'RUNNING', progress: 50 }, thumbnail: { status: 'SKIPPED', reason: 'audio only' } },
    });
    const own = await h.call<{ mediaAsset: { status: string; progress: number; steps: { name: string; reason: string | null }[] } }>(ASSET, { id }, owner);
    // (100 + 100 + 100 + 50 + 0 + 0 + 0 + 100 + 0 + 0) / 10
    expect(own.data?.mediaAsset).toMatchObject({ status: 'PROCESSING', progress: 45 });
    expect(own.data?.mediaAsset.steps.find((s) => s.name === 'thumbnail')?.reason).toBe('audio only');
    for (const staff of [viewer('EDITOR'), viewer('ADMIN')]) expect((await h.call(ASSET, { id }, staff)).errors).toBeUndefined();
    expect(errorOf(await h.call(ASSET, { id }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.call(ASSET, { id }, null))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.call(ASSET, { id: randomUUID() }, owner))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    const refs = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on MediaAsset { id status } } }';
    const r = [{ __typename: 'MediaAsset', id }];
    expect((await h.call<{ _entities: unknown[] }>(refs, { r }, viewer())).data?._entities).toEqual([null]);
    expect((await h.call<{ _entities: unknown[] }>(refs, { r }, owner)).data?._entities).toEqual([{ id, status: 'PROCESSING' }]);
  });

  describe('retryProcessing', () => {
    it('runs the failed steps again, keeps the finished ones, and starts processing', async () => {
      const owner = viewer();
      const id = await seedAsset(h, {
        ownerId: owner.id, status: 'FAILED', failedStep: 'renditions', failureReason: 'ffmpeg exited with 1',
        steps: { synthesize: { status: 'SKIPPED' }, probe: { status: 'DONE' }, loudness: { status: 'DONE' }, renditions: { status: 'FAILED', reason: 'ffmpeg exited with 1' } },
      });
      const run = await runOf(id);
      const res = await h.call<{ retryProcessing: { status: string; failedStep: string | null; steps: { name: string; status: string }[] } }>(RETRY, { id }, owner);
      expect(res.errors).toBeUndefined();
      expect(res.data?.retryProcessing).toMatchObject({ status: 'PROCESSING', failedStep: null });
      expect(res.data?.retryProcessing.steps.slice(0, 4).map((s) => s.status)).toEqual(['SKIPPED', 'DONE', 'DONE', 'PENDING']);
      expect(await runOf(id)).toBe(run + 1);
      expect(h.starter.started).toContain(id);
    });

    it('is for FAILED assets, their owner and staff only', async () => {
      const owner = viewer();
      const ready = await seedAsset(h, { ownerId: owner.id });
      const failed = await seedAsset(h, { ownerId: owner.id, status: 'FAILED', failedStep: 'probe', failureReason: 'not audio' });
      const rejected = await seedAsset(h, { ownerId: owner.id, status: 'FAILED', failedStep: 'upload', failureReason: 'sha-256 mismatch', sourceKey: null });
      expect(errorOf(await h.call(RETRY, { id: ready }, owner))).toEqual({ code: 'CONFLICT', field: 'assetId' });
      expect(errorOf(await h.call(RETRY, { id: ready }, viewer()))).toEqual({ code: 'FORBIDDEN', field: undefined });
      expect(errorOf(await h.call(RETRY, { id: failed }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'assetId' });
      expect(errorOf(await h.call(RETRY, { id: failed }, null)).code).toBe('UNAUTHENTICATED');
      expect(errorOf(await h.call(RETRY, { id: rejected }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'assetId' });
      expect((await h.call(RETRY, { id: failed }, viewer('EDITOR'))).errors).toBeUndefined();
    });

    it('brings back an asset whose processing could not be queued', async () => {
      const owner = viewer();
      const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
      const ticket = await createUpload(h, owner, { episodeId, sizeBytes: 10 });
      h.starter.failing = true;
      await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: Buffer.alloc(10) }).finally(() => {
        h.starter.failing = false;
      });
      const id = ticket.upload.asset.id;
      expect((await h.call<{ mediaAsset: { failedStep: string } }>(ASSET, { id }, owner)).data?.mediaAsset.failedStep).toBe('queue');
      const res = await h.call<{ retryProcessing: { status: string } }>(RETRY, { id }, owner);
      expect(res.data?.retryProcessing.status).toBe('PROCESSING');
      expect(h.starter.started).toContain(id);
    });
  });

  describe('deleteAsset', () => {
    it('marks the asset DELETED, removes its objects and ends its upload', async () => {
      const owner = viewer();
      const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
      const ticket = await createUpload(h, owner, { episodeId, sizeBytes: 100 });
      const id = ticket.upload.asset.id;
      await h.services.storage.put(`assets/${id}/waveform.json`, Buffer.from('{}'));
      const res = await h.call<{ deleteAsset: string }>(DELETE, { id }, owner);
      expect(res.data?.deleteAsset).toBe(id);
      expect((await h.call<{ mediaAsset: { status: string } }>(ASSET, { id }, owner)).data?.mediaAsset.status).toBe('DELETED');
      expect(await h.services.storage.list(`assets/${id}/`)).toEqual([]);
      expect((await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token)).status).toBe(410);
      // again: nothing left to do, same answer
      expect((await h.call<{ deleteAsset: string }>(DELETE, { id }, owner)).data?.deleteAsset).toBe(id);
    });

    it('is for the owner and staff only', async () => {
      const owner = viewer();
      const id = await seedAsset(h, { ownerId: owner.id });
      expect(errorOf(await h.call(DELETE, { id }, viewer()))).toEqual({ code: 'FORBIDDEN', field: undefined });
      expect(errorOf(await h.call(DELETE, { id }, null)).code).toBe('UNAUTHENTICATED');
      expect(errorOf(await h.call(DELETE, { id: 'nope' }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'assetId' });
      expect((await h.call(ASSET, { id }, viewer())).data).toMatchObject({ mediaAsset: { status: 'READY' } });
      expect((await h.call<{ deleteAsset: string }>(DELETE, { id }, viewer('ADMIN'))).data?.deleteAsset).toBe(id);
      expect(errorOf(await h.call(ASSET, { id }, viewer())).code).toBe('NOT_FOUND');
    });
  });

  it('lists failed jobs, most recent first, to editors and admins only', async () => {
    await h.running.db.dataSource.query("UPDATE media_assets SET status = 'DELETED' WHERE status = 'FAILED'");
    const older = await seedAsset(h, { status: 'FAILED', failedStep: 'loudness', failureReason: 'silence', ageSeconds: 60, steps: { loudness: { status: 'FAILED', reason: 'silence' } } });
    const newer = await seedAsset(h, { status: 'FAILED', failedStep: 'hls', failureReason: 'disk full', ageSeconds: 10 });
    type Page = { failedMediaJobs: { edges: { cursor: string; node: { id: string; failedStep: string; failureReason: string; steps: { name: string; reason: string | null }[] } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await h.call<Page>(FAILED, { first: 1 }, viewer('EDITOR'));
    expect(first.data?.failedMediaJobs.edges.map((e) => [e.node.id, e.node.failedStep, e.node.failureReason])).toEqual([[newer, 'hls', 'disk full']]);
    expect(first.data?.failedMediaJobs.pageInfo.hasNextPage).toBe(true);
    const second = await h.call<Page>(FAILED, { first: 1, after: first.data?.failedMediaJobs.pageInfo.endCursor }, viewer('ADMIN'));
    const node = second.data?.failedMediaJobs.edges[0].node;
    expect([node?.id, node?.steps.find((s) => s.name === 'loudness')?.reason]).toEqual([older, 'silence']);
    expect(second.data?.failedMediaJobs.pageInfo.hasNextPage).toBe(false);
    expect(errorOf(await h.call(FAILED, {}, viewer())).code).toBe('FORBIDDEN');
    expect(errorOf(await h.call(FAILED, {}, null)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.call(FAILED, { first: 0 }, viewer('ADMIN'))).code).toBe('BAD_USER_INPUT');
  });
});

import { randomBytes } from 'node:crypto';
import { eventually, sha256Of, tusRequest } from '@wavegraph/testkit';
import { QUEUE_FAILURE } from '../asset/asset.starting';
import { mediaProcessingTopic } from '../processing/progress';
import { expireUploads } from '../upload/upload.cleanup';
import { createUpload, startMedia, viewer, type MediaHarness } from '../testing/harness';

const LIVE = 'subscription($id: ID!) { mediaProcessing(assetId: $id) { status step stepStatus reason done asset { id status failedStep } } }';

interface Live {
  mediaProcessing: { status: string; step: string | null; stepStatus: string | null; reason: string | null; done: boolean; asset: { id: string; status: string; failedStep: string | null } };
}

/** An asset can end outside the worker; whoever follows it hears that too, and their subscription completes. */
describe('mediaProcessing: assets that end before or outside processing', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** An upload of `size` bytes for a new episode of a new owner, followed live by that owner from the start. */
  async function followedUpload(size: number, sha256?: string) {
    const owner = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
    const ticket = await createUpload(h, owner, { episodeId, sizeBytes: size, sha256 });
    const assetId = ticket.upload.asset.id;
    const sub = h.subscribe<Live>(LIVE, { id: assetId }, owner);
    await eventually(async () => h.running.pubSub.listeners(mediaProcessingTopic(assetId)) === 1);
    return { owner, ticket, assetId, sub };
  }

  const events = (sub: { results: { data?: Live | null }[] }) => sub.results.map((r) => r.data?.mediaProcessing);

  it('ends with FAILED at step upload, and the reason, when the finished file does not match its sha-256', async () => {
    const bytes = randomBytes(2000);
    const { ticket, assetId, sub } = await followedUpload(bytes.length, sha256Of(randomBytes(10)));
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes })).status).toBe(460);
    expect(await sub.ended).toEqual({ completed: true });
    expect(events(sub)).toEqual([
      expect.objectContaining({ status: 'AWAITING_UPLOAD', step: null, done: false }),
      { status: 'FAILED', step: 'upload', stepStatus: 'FAILED', reason: expect.stringMatching(/^sha-256 [0-9a-f]{64} does not match/), done: true, asset: { id: assetId, status: 'FAILED', failedStep: 'upload' } },
    ]);
  });

  it('ends with FAILED at step queue when processing could not be queued', async () => {
    const bytes = randomBytes(1500);
    const { ticket, assetId, sub } = await followedUpload(bytes.length);
    h.starter.failing = true;
    try {
      expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes })).status).toBe(204);
      expect(await sub.ended).toEqual({ completed: true });
    } finally {
      h.starter.failing = false;
    }
    expect(events(sub).at(-1)).toEqual({
      status: 'FAILED', step: 'queue', stepStatus: 'FAILED', reason: QUEUE_FAILURE, done: true, asset: { id: assetId, status: 'FAILED', failedStep: 'queue' },
    });
    expect(sub.results).toHaveLength(2);
  });

  it('ends with DELETED when the owner deletes the asset', async () => {
    const { owner, assetId, sub } = await followedUpload(1000);
    const res = await h.call('mutation($id: ID!) { deleteAsset(assetId: $id) }', { id: assetId }, owner);
    expect(res.errors).toBeUndefined();
    expect(await sub.ended).toEqual({ completed: true });
    expect(events(sub).at(-1)).toEqual({ status: 'DELETED', step: null, stepStatus: null, reason: null, done: true, asset: { id: assetId, status: 'DELETED', failedStep: null } });
    // whoever subscribes afterwards learns it at once
    const late = h.subscribe<Live>(LIVE, { id: assetId }, owner);
    expect(await late.ended).toEqual({ completed: true });
    expect(events(late)).toEqual([expect.objectContaining({ status: 'DELETED', done: true })]);
  });

  it('ends with DELETED when the client terminates the upload, or it expires', async () => {
    const terminated = await followedUpload(1000);
    expect((await tusRequest(terminated.ticket.uploadUrl, 'DELETE', terminated.ticket.token)).status).toBe(204);
    expect(await terminated.sub.ended).toEqual({ completed: true });
    expect(events(terminated.sub).at(-1)).toMatchObject({ status: 'DELETED', done: true });

    const abandoned = await followedUpload(1000);
    await h.running.db.dataSource.query("UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE id = $1", [abandoned.ticket.upload.id]);
    expect(await expireUploads(h.running.db.dataSource, h.services.files, h.running.pubSub)).toBe(1);
    expect(await abandoned.sub.ended).toEqual({ completed: true });
    expect(events(abandoned.sub).at(-1)).toMatchObject({ status: 'DELETED', done: true });
  });
});

import { tusRequest } from '@wavegraph/testkit';
import { expireUploads } from '../upload/upload.cleanup';
import { createUpload, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { finishUpload, myQuota, quotaRefusal, TEST_QUOTAS, tryUpload } from '../testing/quota';

describe('upload quotas free up', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia({ quotas: TEST_QUOTAS });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A FREE creator with both of their uploads in progress (the cap) and a third refused. */
  const atPendingCap = async () => {
    const as = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    const tickets = [await createUpload(h, as, { episodeId, sizeBytes: 100 }), await createUpload(h, as, { episodeId, sizeBytes: 100 })];
    expect(quotaRefusal(await tryUpload(h, as, episodeId, 100))?.quota).toBe('PENDING_UPLOADS');
    return { as, episodeId, tickets };
  };

  it('when an upload expires, at its expiry and not only once the sweep has run', async () => {
    const { as, episodeId, tickets } = await atPendingCap();
    await h.running.db.dataSource.query("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1", [tickets[0].upload.id]);
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 1, pendingBytes: 100 });
    await createUpload(h, as, { episodeId, sizeBytes: 100 });
    expect(quotaRefusal(await tryUpload(h, as, episodeId, 100))?.quota).toBe('PENDING_UPLOADS');
    // the sweep ends it for good; the count does not change
    expect(await expireUploads(h.running.db.dataSource, h.services.files, h.running.pubSub)).toBe(1);
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 2, pendingBytes: 200 });
  });

  it('when an upload is cancelled with a tus DELETE', async () => {
    const { as, episodeId, tickets } = await atPendingCap();
    expect((await tusRequest(tickets[1].uploadUrl, 'DELETE', tickets[1].token)).status).toBe(204);
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 1, pendingBytes: 100 });
    await createUpload(h, as, { episodeId, sizeBytes: 100 });
  });

  it('when an upload is rejected, which stores nothing either', async () => {
    const as = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    const ticket = await createUpload(h, as, { episodeId, sizeBytes: 1000, sha256: 'ab'.repeat(32) });
    expect(quotaRefusal(await tryUpload(h, as, episodeId, 1))?.quota).toBe('PENDING_BYTES');
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: Buffer.alloc(1000) })).status).toBe(460);
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 0, pendingBytes: 0, storedBytes: 0 });
    await createUpload(h, as, { episodeId, sizeBytes: 1000 });
  });

  it('when its asset is deleted, for stored bytes and for an upload still in progress', async () => {
    const as = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    const stored = await createUpload(h, as, { episodeId, sizeBytes: 1000 });
    await finishUpload(stored);
    await finishUpload(await createUpload(h, as, { episodeId, sizeBytes: 1000 }));
    await finishUpload(await createUpload(h, as, { episodeId, sizeBytes: 500 }));
    const pending = await createUpload(h, as, { episodeId, sizeBytes: 400 });
    expect(quotaRefusal(await tryUpload(h, as, episodeId, 200))).toMatchObject({ quota: 'STORED_BYTES', used: 2900 });

    const DELETE = 'mutation($id: ID!) { deleteAsset(assetId: $id) }';
    expect((await h.call(DELETE, { id: stored.upload.asset.id }, as)).errors).toBeUndefined();
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 1, pendingBytes: 400, storedBytes: 1500 });
    expect((await h.call(DELETE, { id: pending.upload.asset.id }, as)).errors).toBeUndefined();
    expect(await myQuota(h, as)).toMatchObject({ pendingUploads: 0, pendingBytes: 0, storedBytes: 1500 });
    await finishUpload(await createUpload(h, as, { episodeId, sizeBytes: 1000 }));
    await finishUpload(await createUpload(h, as, { episodeId, sizeBytes: 499 }));
    expect(quotaRefusal(await tryUpload(h, as, episodeId, 2))).toEqual({ code: 'QUOTA_EXCEEDED', quota: 'STORED_BYTES', limit: 3000, used: 2999, requested: 2 });
  });
});

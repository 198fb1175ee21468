import { createUpload, startMedia, TEST_MAX_UPLOAD_BYTES, viewer, type MediaHarness } from '../testing/harness';
import { finishUpload, footprint, myQuota, quotaRefusal, TEST_QUOTAS, tryUpload } from '../testing/quota';

const refused = (quota: string, limit: number, used: number, requested: number) => ({ code: 'QUOTA_EXCEEDED', quota, limit, used, requested });

describe('upload quotas', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia({ quotas: TEST_QUOTAS });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const creator = async (plan: 'FREE' | 'PREMIUM' = 'FREE') => {
    const as = viewer('USER', undefined, plan);
    const { episodeId } = await h.catalog.episodeOwnedBy(as.id);
    return { as, episodeId };
  };

  /** Expects the refusal and that it wrote nothing: no asset, step, upload, event or tus file. */
  const expectRefused = async (as: ReturnType<typeof viewer>, episodeId: string, sizeBytes: number, expected: ReturnType<typeof refused>) => {
    const before = await footprint(h);
    const res = await tryUpload(h, as, episodeId, sizeBytes);
    expect(quotaRefusal(res)).toEqual(expected);
    expect(res.errors?.[0]?.message).toMatch(/plan/);
    expect(res.data?.createUpload ?? null).toBeNull();
    expect(await footprint(h)).toEqual(before);
  };

  it('caps uploads in progress per plan (FREE 2, PREMIUM 4 here)', async () => {
    const free = await creator('FREE');
    for (let i = 0; i < 2; i++) await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 10 });
    await expectRefused(free.as, free.episodeId, 10, refused('PENDING_UPLOADS', 2, 2, 1));

    const premium = await creator('PREMIUM');
    for (let i = 0; i < 4; i++) await createUpload(h, premium.as, { episodeId: premium.episodeId, sizeBytes: 10 });
    await expectRefused(premium.as, premium.episodeId, 10, refused('PENDING_UPLOADS', 4, 4, 1));
  });

  it('caps the bytes reserved by uploads in progress, up to exactly the cap', async () => {
    const free = await creator('FREE');
    await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 600 });
    await expectRefused(free.as, free.episodeId, 401, refused('PENDING_BYTES', 1000, 600, 401));
    await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 400 });

    const premium = await creator('PREMIUM');
    await createUpload(h, premium.as, { episodeId: premium.episodeId, sizeBytes: 600 });
    await createUpload(h, premium.as, { episodeId: premium.episodeId, sizeBytes: 4000 });
    await expectRefused(premium.as, premium.episodeId, 401, refused('PENDING_BYTES', 5000, 4600, 401));
  });

  it('caps stored source bytes, counting uploads in progress towards them', async () => {
    const free = await creator('FREE');
    for (let i = 0; i < 3; i++) await finishUpload(await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 900 }));
    expect(await myQuota(h, free.as)).toMatchObject({ pendingUploads: 0, pendingBytes: 0, storedBytes: 2700 });
    await expectRefused(free.as, free.episodeId, 301, refused('STORED_BYTES', 3000, 2700, 301));
    await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 200 });
    // 2700 stored + 200 uploading: 100 left
    await expectRefused(free.as, free.episodeId, 101, refused('STORED_BYTES', 3000, 2900, 101));
    await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 100 });

    // the same usage is far within PREMIUM's storage
    const premium = await creator('PREMIUM');
    for (let i = 0; i < 3; i++) await finishUpload(await createUpload(h, premium.as, { episodeId: premium.episodeId, sizeBytes: 900 }));
    await createUpload(h, premium.as, { episodeId: premium.episodeId, sizeBytes: 301 });
  });

  it('has no caps for staff, and what staff upload for a creator does not count against the creator', async () => {
    const free = await creator('FREE');
    for (let i = 0; i < 2; i++) await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 10 });
    const editor = viewer('EDITOR');
    const admin = viewer('ADMIN');
    for (let i = 0; i < 3; i++) {
      await createUpload(h, editor, { episodeId: free.episodeId, sizeBytes: 900 });
      await createUpload(h, admin, { episodeId: free.episodeId, sizeBytes: 900 });
    }
    await finishUpload(await createUpload(h, editor, { episodeId: free.episodeId, sizeBytes: 5000 }));
    expect(await myQuota(h, free.as)).toMatchObject({ pendingUploads: 2, pendingBytes: 20, storedBytes: 0 });
    expect(await myQuota(h, editor)).toEqual({
      plan: 'FREE', pendingUploads: 3, pendingBytes: 2700, storedBytes: 5000, largestUploadBytes: TEST_MAX_UPLOAD_BYTES,
      limits: { pendingUploads: null, pendingBytes: null, storedBytes: null },
    });
    // the creator's own cap still holds
    await expectRefused(free.as, free.episodeId, 10, refused('PENDING_UPLOADS', 2, 2, 1));
  });

  it('lets exactly the cap through when many uploads start at once', async () => {
    for (const [plan, cap, attempts] of [['FREE', 2, 8], ['PREMIUM', 4, 10]] as const) {
      const { as, episodeId } = await creator(plan);
      const results = await Promise.all(Array.from({ length: attempts }, () => tryUpload(h, as, episodeId, 10)));
      const codes = results.map((res) => (res.errors ? res.errors[0].extensions?.code : 'OK'));
      expect(codes.filter((code) => code === 'OK')).toHaveLength(cap);
      expect(codes.filter((code) => code === 'QUOTA_EXCEEDED')).toHaveLength(attempts - cap);
      const [rows] = await h.running.db.dataSource.query(
        'SELECT (SELECT count(*)::int FROM uploads WHERE uploader_id = $1) AS uploads, (SELECT count(*)::int FROM media_assets WHERE episode_id = $2) AS assets',
        [as.id, episodeId],
      );
      expect(rows).toEqual({ uploads: cap, assets: cap });
    }
  });

  it('shows the viewer their usage, their caps and the largest upload they may start', async () => {
    const free = await creator('FREE');
    await finishUpload(await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 200 }));
    await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 100 });
    expect(await myQuota(h, free.as)).toEqual({
      plan: 'FREE', pendingUploads: 1, pendingBytes: 100, storedBytes: 200, largestUploadBytes: 900,
      limits: { pendingUploads: 2, pendingBytes: 1000, storedBytes: 3000 },
    });
    await createUpload(h, free.as, { episodeId: free.episodeId, sizeBytes: 100 });
    expect((await myQuota(h, free.as)).largestUploadBytes).toBe(0);
    const premium = await creator('PREMIUM');
    expect(await myQuota(h, premium.as)).toMatchObject({ plan: 'PREMIUM', pendingUploads: 0, largestUploadBytes: 5000, limits: { pendingUploads: 4, pendingBytes: 5000, storedBytes: 20000 } });
    const anonymous = await h.call('query { myUploadQuota { plan } }', {}, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

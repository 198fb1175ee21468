import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { grantRole } from '@wavegraph/identity';
import { eventually } from '@wavegraph/testkit';
import { postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const GiB = 1024 ** 3;
const CREATE = `mutation($input: CreateUploadInput!) { createUpload(input: $input) { uploadUrl upload { id } } }`;

describe('upload quotas through the gateway (default caps)', () => {
  let supergraph: TestSupergraph;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
  });
  afterAll(async () => {
    await supergraph?.stop();
  });

  /** What a refusal must leave untouched: media's rows and the staged tus files. */
  const footprint = async () => {
    const [rows] = await supergraph.media.db.dataSource.query(
      'SELECT (SELECT count(*)::int FROM media_assets) AS assets, (SELECT count(*)::int FROM media_steps) AS steps, (SELECT count(*)::int FROM uploads) AS uploads',
    );
    return { rows, staged: readdirSync(path.join(supergraph.mediaDir, 'uploads')).sort() };
  };

  it('refuses a FREE creator a third upload in progress with QUOTA_EXCEEDED, and lets them start it once PREMIUM', async () => {
    const anonymous = supergraph.client();
    const { register } = await anonymous.Register({ input: { email: 'quota@example.com', handle: 'quota', displayName: 'Quota', password: 'a quota long password' } });
    const creator: WavegraphClient = supergraph.client(register.accessToken);
    const { createShow } = await creator.CreateShow({ input: { slug: 'capped', title: 'Capped', category: 'TECHNOLOGY', language: 'en' } });
    const episodeId = (await creator.CreateEpisode({ input: { showId: createShow.id, title: 'Within limits' } })).createEpisode.id;
    const input = { episodeId, filename: 'part.mp3', sizeBytes: 1000, mimeType: 'audio/mpeg' };

    // media learns of the episode from catalog's events
    await eventually(() => creator.CreateUpload({ input }));
    await creator.CreateUpload({ input });
    expect((await creator.MyUploadQuota()).myUploadQuota).toEqual({
      plan: 'FREE', pendingUploads: 2, pendingBytes: 2000, storedBytes: 0, largestUploadBytes: 0,
      limits: { pendingUploads: 2, pendingBytes: GiB, storedBytes: 5 * GiB },
    });

    const before = await footprint();
    const refused = await postGraphQL(supergraph.url, CREATE, { token: register.accessToken, variables: { input } });
    expect(refused.body.data?.createUpload ?? null).toBeNull();
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/FREE plan allows 2 uploads in progress/),
      path: ['createUpload'],
      extensions: { code: 'QUOTA_EXCEEDED', quota: 'PENDING_UPLOADS', limit: 2, used: 2, requested: 1 },
    });
    expect(JSON.stringify(refused.body)).not.toMatch(/stack|127\.0\.0\.1/);
    expect(await footprint()).toEqual(before);

    // an admin moves the creator to PREMIUM: a third upload, and one bigger than FREE's 1 GiB in progress, now fit
    await anonymous.Register({ input: { email: 'ops@example.com', handle: 'ops', displayName: 'Ops', password: 'ops has a long password' } });
    await grantRole(supergraph.identity.services.users, 'ops@example.com', 'ADMIN');
    const ops = await anonymous.Login({ input: { email: 'ops@example.com', password: 'ops has a long password' } });
    await supergraph.client(ops.login.accessToken).SetUserPlan({ userId: register.user.id, plan: 'PREMIUM' });
    const { refreshSession } = await anonymous.RefreshSession({ refreshToken: register.refreshToken });
    expect(refreshSession.user.plan).toBe('PREMIUM');
    const premium = supergraph.client(refreshSession.accessToken);

    const big = { ...input, filename: 'long.wav', mimeType: 'audio/wav', sizeBytes: 1.5 * GiB };
    const allowed = await premium.CreateUpload({ input: big });
    expect(allowed.createUpload.upload.status).toBe('PENDING');
    expect((await premium.MyUploadQuota()).myUploadQuota).toMatchObject({
      plan: 'PREMIUM', pendingUploads: 3, pendingBytes: 2000 + 1.5 * GiB, storedBytes: 0,
      limits: { pendingUploads: 10, pendingBytes: 20 * GiB, storedBytes: 200 * GiB },
    });
    expect((await footprint()).rows.uploads).toBe(before.rows.uploads + 1);
  });
});

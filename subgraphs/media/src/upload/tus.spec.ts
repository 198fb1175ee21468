import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { sourceKey } from '../asset/asset.outputs';
import { uploadsDir } from '../storage/storage.factory';
import { createUpload, outboxOf, startMedia, startReplica, viewer, type MediaHarness, type Ticket } from '../testing/harness';
import { dropMidPatch, offsetOf, sendWithTusClient, sha256Of, tusRequest } from '@wavegraph/testkit';
import { eventually } from '@wavegraph/testkit';
import { issueUploadToken } from './upload.token';

describe('tus uploads', () => {
  let h: MediaHarness;
  const owner = viewer();
  let episodeId: string;

  beforeAll(async () => {
    h = await startMedia();
    episodeId = (await h.catalog.episodeOwnedBy(owner.id)).episodeId;
  });
  afterAll(async () => {
    await h?.stop();
  });

  const newUpload = (sizeBytes: number, sha256?: string): Promise<Ticket> => createUpload(h, owner, { episodeId, sizeBytes, sha256 });
  const uploadRow = async (id: string) =>
    ((await h.running.db.dataSource.query('SELECT status, sha256, rejection_reason FROM uploads WHERE id = $1', [id])) as Record<string, string | null>[])[0];
  const assetRow = async (id: string) =>
    ((await h.running.db.dataSource.query('SELECT status, failed_step, failure_reason, source_sha256, source_size FROM media_assets WHERE id = $1', [id])) as Record<string, unknown>[])[0];
  const staged = async () => (await readdir(uploadsDir(h.services.config))).filter((name) => !name.endsWith('.json'));
  const storedSha = async (assetId: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await h.services.storage.read(sourceKey(assetId))) chunks.push(chunk as Buffer);
    return sha256Of(Buffer.concat(chunks));
  };

  it('resumes an interrupted tus-js-client upload and completes it, verified, into storage', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const ticket = await newUpload(bytes.length, sha256Of(bytes));

    // the client gives up after some chunks...
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes, 1024 * 1024).done).toBe('aborted');
    const afterAbort = await eventually(async () => {
      const offset = await offsetOf(ticket.uploadUrl, ticket.token);
      return offset > 0 && offset < bytes.length ? offset : false;
    });
    // ...then the connection drops in the middle of a PATCH: the server keeps what arrived, and says so on HEAD
    await dropMidPatch(ticket.uploadUrl, ticket.token, bytes, afterAbort, 100_000);
    await eventually(async () => expect(await offsetOf(ticket.uploadUrl, ticket.token)).toBe(afterAbort + 100_000));
    expect((await uploadRow(ticket.upload.id)).status).toBe('PENDING');
    expect(h.starter.started).not.toContain(ticket.upload.asset.id);

    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    expect(await uploadRow(ticket.upload.id)).toEqual({ status: 'COMPLETED', sha256: sha256Of(bytes), rejection_reason: null });
    expect(await assetRow(ticket.upload.asset.id)).toMatchObject({ status: 'PROCESSING', source_sha256: sha256Of(bytes), source_size: String(bytes.length) });
    expect(await storedSha(ticket.upload.asset.id)).toBe(sha256Of(bytes));
    expect(h.starter.started).toContain(ticket.upload.asset.id);
    expect(await outboxOf(h, ticket.upload.asset.id)).toEqual([
      {
        type: 'media.UploadCompleted',
        aggregate_id: ticket.upload.asset.id,
        payload: {
          uploadId: ticket.upload.id, assetId: ticket.upload.asset.id, episodeId, ownerId: owner.id, sizeBytes: bytes.length, sha256: sha256Of(bytes), mimeType: 'audio/mpeg',
        },
      },
    ]);
    // the staged copy is gone; the upload still reports itself complete to a resuming client
    expect(await staged()).not.toContain(ticket.upload.id);
    const head = await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token);
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, String(bytes.length), String(bytes.length)]);
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
  });

  it('reports the stored offset on HEAD and refuses a PATCH at the wrong offset with 409', async () => {
    const bytes = randomBytes(4000);
    const ticket = await newUpload(bytes.length);
    const first = await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes.subarray(0, 1000) });
    expect([first.status, first.headers.get('upload-offset')]).toEqual([204, '1000']);
    expect(await offsetOf(ticket.uploadUrl, ticket.token)).toBe(1000);

    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 500, body: bytes.subarray(500, 1500) })).status).toBe(409);
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 2000, body: bytes.subarray(2000, 2500) })).status).toBe(409);
    expect(await offsetOf(ticket.uploadUrl, ticket.token)).toBe(1000);

    const rest = await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 1000, body: bytes.subarray(1000) });
    expect(rest.status).toBe(204);
    expect((await uploadRow(ticket.upload.id)).status).toBe('COMPLETED');
  });

  it('refuses bytes beyond the declared size with 413', async () => {
    const ticket = await newUpload(2000);
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: randomBytes(1000) })).status).toBe(204);
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 1000, body: randomBytes(1500) })).status).toBe(413);
    expect(await offsetOf(ticket.uploadUrl, ticket.token)).toBe(1000);
    expect((await uploadRow(ticket.upload.id)).status).toBe('PENDING');
  });

  it('lets one of two concurrent PATCHes at the same offset through and refuses the other', async () => {
    const bytes = randomBytes(4000);
    const ticket = await newUpload(bytes.length);
    const answers = await Promise.all([0, 1].map(() => tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes.subarray(0, 2000) })));
    expect(answers.map((res) => res.status).sort()).toEqual([204, 409]);
    expect(await offsetOf(ticket.uploadUrl, ticket.token)).toBe(2000);
  });

  it('serializes PATCHes of one upload sent to two replicas at once', async () => {
    const replica = await startReplica(h);
    try {
      const bytes = randomBytes(4000);
      const ticket = await newUpload(bytes.length);
      const urls = [ticket.uploadUrl, ticket.uploadUrl.replace(h.origin, replica.origin)];
      const answers = await Promise.all(urls.map((url) => tusRequest(url, 'PATCH', ticket.token, { offset: 0, body: bytes.subarray(0, 2000) })));
      expect(answers.map((res) => res.status).sort()).toEqual([204, 409]);
      expect(await offsetOf(urls[1], ticket.token)).toBe(2000);
      expect((await tusRequest(urls[1], 'PATCH', ticket.token, { offset: 2000, body: bytes.subarray(2000) })).status).toBe(204);
      // whichever replica hashed the first half, the second carried on from the staged bytes
      expect(await uploadRow(ticket.upload.id)).toEqual({ status: 'COMPLETED', sha256: sha256Of(bytes), rejection_reason: null });
    } finally {
      await replica.stop();
    }
  });

  it('answers 410 once an upload has expired', async () => {
    const ticket = await newUpload(1000);
    await h.running.db.dataSource.query("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1", [ticket.upload.id]);
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token)).status).toBe(410);
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: randomBytes(10) })).status).toBe(410);
    // a token past its expiry is refused the same way, whatever the row says
    const lapsed = issueUploadToken(h.services.config.signingSecret, ticket.upload.id, new Date(Date.now() - 1000));
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', lapsed)).status).toBe(410);
  });

  it('requires the token of this very upload', async () => {
    const ticket = await newUpload(1000);
    const other = await newUpload(1000);
    const [id, exp, sig] = ticket.token.split('.');
    const forged = issueUploadToken('not-the-secret', ticket.upload.id, new Date(Date.now() + 3600_000));
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', null)).status).toBe(401);
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', 'garbage')).status).toBe(401);
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', forged)).status).toBe(401);
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', `${id}.${Number(exp) + 3600}.${sig}`)).status).toBe(401);
    expect((await tusRequest(ticket.uploadUrl, 'PATCH', other.token, { offset: 0, body: randomBytes(10) })).status).toBe(403);
    expect(await offsetOf(ticket.uploadUrl, ticket.token)).toBe(0);
  });

  it('creates uploads only through GraphQL and serves no bytes back', async () => {
    const ticket = await newUpload(1000);
    const post = await tusRequest(ticket.endpoint, 'POST', ticket.token, { headers: { 'Upload-Length': '1000' } });
    expect(post.status).toBe(405);
    expect((await tusRequest(ticket.uploadUrl, 'GET', ticket.token)).status).toBe(405);
    const options = await tusRequest(ticket.uploadUrl, 'OPTIONS', null);
    expect([options.status, options.headers.get('tus-version'), options.headers.get('tus-extension')]).toEqual([204, '1.0.0', 'termination,expiration']);
  });

  it('rejects a file whose sha-256 differs from the declared one, and processes nothing', async () => {
    const bytes = randomBytes(5000);
    const ticket = await newUpload(bytes.length, sha256Of(Buffer.from('something else')));
    const res = await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes });
    expect(res.status).toBe(460);
    expect(await res.text()).toMatch(/sha-256/);
    expect(await uploadRow(ticket.upload.id)).toEqual({
      status: 'REJECTED', sha256: sha256Of(bytes), rejection_reason: expect.stringContaining('does not match'),
    });
    expect(await assetRow(ticket.upload.asset.id)).toMatchObject({ status: 'FAILED', failed_step: 'upload', source_sha256: null });
    expect(h.starter.started).not.toContain(ticket.upload.asset.id);
    expect(await h.services.storage.stat(sourceKey(ticket.upload.asset.id))).toBeNull();
    expect(await staged()).not.toContain(ticket.upload.id);
    expect((await outboxOf(h, ticket.upload.asset.id)).map((row) => [row.type, row.payload.step])).toEqual([['media.MediaFailed', 'upload']]);
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token)).status).toBe(410);
  });

  it('ends an upload the client terminates (DELETE)', async () => {
    const ticket = await newUpload(1000);
    await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: randomBytes(100) });
    expect((await tusRequest(ticket.uploadUrl, 'DELETE', ticket.token)).status).toBe(204);
    expect((await uploadRow(ticket.upload.id)).status).toBe('EXPIRED');
    expect((await assetRow(ticket.upload.asset.id)).status).toBe('DELETED');
    expect(await staged()).not.toContain(ticket.upload.id);
    expect((await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token)).status).toBe(410);
  });

  it('marks the asset FAILED at step queue when processing cannot be queued', async () => {
    const bytes = randomBytes(1000);
    const ticket = await newUpload(bytes.length);
    h.starter.failing = true;
    try {
      expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes })).status).toBe(204);
    } finally {
      h.starter.failing = false;
    }
    expect((await uploadRow(ticket.upload.id)).status).toBe('COMPLETED');
    expect(await assetRow(ticket.upload.asset.id)).toMatchObject({ status: 'FAILED', failed_step: 'queue' });
    expect((await outboxOf(h, ticket.upload.asset.id)).map((row) => row.type)).toEqual(['media.UploadCompleted', 'media.MediaFailed']);
  });

  it('finishes on the next HEAD an upload whose finish failed half-way (storage away)', async () => {
    const bytes = randomBytes(3000);
    const ticket = await newUpload(bytes.length, sha256Of(bytes));
    const { storage } = h.services;
    const putFile = storage.putFile.bind(storage);
    storage.putFile = async () => {
      throw new Error('storage unavailable (test)');
    };
    try {
      const last = await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes });
      expect([last.status, await last.text()]).toEqual([500, 'Something went wrong with that request\n']);
    } finally {
      storage.putFile = putFile;
    }
    expect((await uploadRow(ticket.upload.id)).status).toBe('PENDING');
    expect(h.starter.started).not.toContain(ticket.upload.asset.id);

    // what a resuming tus client does first: it learns the upload is whole, and now it is also stored
    const head = await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token);
    expect([head.status, head.headers.get('upload-offset')]).toEqual([200, String(bytes.length)]);
    expect((await uploadRow(ticket.upload.id)).status).toBe('COMPLETED');
    expect(await storedSha(ticket.upload.asset.id)).toBe(sha256Of(bytes));
    expect(h.starter.started.filter((id) => id === ticket.upload.asset.id)).toHaveLength(1);
    expect((await outboxOf(h, ticket.upload.asset.id)).map((row) => row.type)).toEqual(['media.UploadCompleted']);
  });

  it('lets a HEAD arriving while the upload is being finished wait for it, so it is finished once', async () => {
    const bytes = randomBytes(3000);
    const ticket = await newUpload(bytes.length);
    const { storage } = h.services;
    const putFile = storage.putFile.bind(storage);
    storage.putFile = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return putFile(...args);
    };
    try {
      const last = tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: bytes });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const head = await tusRequest(ticket.uploadUrl, 'HEAD', ticket.token);
      expect([head.status, head.headers.get('upload-offset')]).toEqual([200, String(bytes.length)]);
      expect((await uploadRow(ticket.upload.id)).status).toBe('COMPLETED');
      expect((await last).status).toBe(204);
    } finally {
      storage.putFile = putFile;
    }
    expect(h.starter.started.filter((id) => id === ticket.upload.asset.id)).toHaveLength(1);
    expect((await outboxOf(h, ticket.upload.asset.id)).map((row) => row.type)).toEqual(['media.UploadCompleted']);
  });
});

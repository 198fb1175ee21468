import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { uploadsDir } from '../storage/storage.factory';
import { createUpload, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { tusRequest } from '@wavegraph/testkit';
import { expireUploads } from './upload.cleanup';

describe('cleanup of abandoned uploads', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('expires unfinished uploads past expires_at: upload EXPIRED, asset DELETED, staged bytes removed', async () => {
    const owner = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
    const fresh = await createUpload(h, owner, { episodeId, sizeBytes: 5000 });
    const abandoned = await createUpload(h, owner, { episodeId, sizeBytes: 5000 });
    for (const ticket of [abandoned, fresh]) {
      expect((await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: randomBytes(1000) })).status).toBe(204);
    }
    await h.running.db.dataSource.query("UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE id = $1", [abandoned.upload.id]);

    expect(await expireUploads(h.running.db.dataSource, h.services.files, h.running.pubSub)).toBe(1);
    const rows = await h.running.db.dataSource.query('SELECT u.id, u.status, a.status AS asset FROM uploads u JOIN media_assets a ON a.id = u.asset_id WHERE u.id = ANY($1)', [
      [abandoned.upload.id, fresh.upload.id],
    ]);
    expect(new Map(rows.map((r: { id: string; status: string; asset: string }) => [r.id, [r.status, r.asset]]))).toEqual(
      new Map([[abandoned.upload.id, ['EXPIRED', 'DELETED']], [fresh.upload.id, ['PENDING', 'AWAITING_UPLOAD']]]),
    );
    const files = await readdir(uploadsDir(h.services.config));
    expect(files).not.toContain(abandoned.upload.id);
    expect(files).toContain(fresh.upload.id);
    expect((await tusRequest(abandoned.uploadUrl, 'HEAD', abandoned.token)).status).toBe(410);
    expect((await tusRequest(fresh.uploadUrl, 'HEAD', fresh.token)).headers.get('upload-offset')).toBe('1000');

    // the episode no longer shows the newer, abandoned asset but the one still uploading; a second sweep finds nothing
    const media = await h.call<{ _entities: { media: { id: string } | null }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { media { id } } } }', { r: [{ __typename: 'Episode', id: episodeId }] }, owner,
    );
    expect(media.data?._entities[0].media?.id).toBe(fresh.upload.asset.id);
    expect(await expireUploads(h.running.db.dataSource, h.services.files, h.running.pubSub)).toBe(0);
  });

  it('leaves completed uploads alone even past their expiry', async () => {
    const owner = viewer();
    const { episodeId } = await h.catalog.episodeOwnedBy(owner.id);
    const ticket = await createUpload(h, owner, { episodeId, sizeBytes: 100 });
    await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: randomBytes(100) });
    await h.running.db.dataSource.query("UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE id = $1", [ticket.upload.id]);
    expect(await expireUploads(h.running.db.dataSource, h.services.files, h.running.pubSub)).toBe(0);
    const [row] = await h.running.db.dataSource.query('SELECT status FROM uploads WHERE id = $1', [ticket.upload.id]);
    expect(row.status).toBe('COMPLETED');
  });
});

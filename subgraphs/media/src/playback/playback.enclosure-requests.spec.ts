import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AssetOutputs } from '../asset/asset.outputs';
import { seedAsset } from '../testing/fixtures';
import { outboxOf, startMedia, viewer, type MediaHarness } from '../testing/harness';

describe('downloads through the enclosure URL are recorded for analytics (media.EnclosureRequested)', () => {
  let h: MediaHarness;
  const owner = viewer();

  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function readyEpisode(): Promise<string> {
    const episodeId = randomUUID();
    const id = await seedAsset(h, { ownerId: owner.id, episodeId });
    const key = `assets/${id}/renditions/aac-64.m4a`;
    const bytes = randomBytes(1_000);
    await h.services.storage.put(key, bytes);
    const outputs: AssetOutputs = { renditions: [{ name: 'aac-64', bitrateKbps: 64, mimeType: 'audio/mp4', key, sizeBytes: bytes.length }] };
    await h.running.db.dataSource.query('UPDATE media_assets SET outputs = $2 WHERE id = $1', [id, JSON.stringify(outputs)]);
    return episodeId;
  }

  it('records each redirected GET with a keyed hash of the address, never the address itself', async () => {
    const episodeId = await readyEpisode();
    const url = `${h.origin}/media/episodes/${episodeId}/aac-64.m4a`;
    const ua = 'AppleCoreMedia/1.0.0.21E230 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)';
    const first = await fetch(url, { redirect: 'manual', headers: { 'user-agent': ua, 'x-forwarded-for': '198.51.100.7, 203.0.113.9', range: 'bytes=500-' } });
    const second = await fetch(url, { redirect: 'manual', headers: { 'user-agent': ua, 'x-forwarded-for': '203.0.113.10' } });
    const head = await fetch(url, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': ua } });
    const missing = await fetch(`${h.origin}/media/episodes/${episodeId}/aac-999.m4a`, { redirect: 'manual' });
    expect([first.status, second.status, head.status, missing.status]).toEqual([302, 302, 302, 404]);

    const events = (await outboxOf(h, episodeId)).filter((e) => e.type === 'media.EnclosureRequested');
    const hash = (ip: string) => createHmac('sha256', 'media-test-secret').update(['ip-hash', ip].join('\n')).digest('hex');
    // the last forwarded address is the one the gateway saw; HEAD and 404 record nothing
    expect(events.map((e) => e.payload)).toEqual([
      { episodeId, rendition: 'aac-64', ipHash: hash('203.0.113.9'), userAgent: ua, rangeStart: 500 },
      { episodeId, rendition: 'aac-64', ipHash: hash('203.0.113.10'), userAgent: ua },
    ]);
    expect(JSON.stringify(events)).not.toContain('203.0.113');
  });
});

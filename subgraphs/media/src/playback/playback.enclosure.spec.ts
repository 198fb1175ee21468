import { randomBytes, randomUUID } from 'node:crypto';
import type { AssetOutputs } from '../asset/asset.outputs';
import { seedAsset } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const RENDITIONS = `query($id: ID!) { mediaAsset(id: $id) { renditions { name url enclosureUrl } } }`;

describe('stable download URLs (feed enclosures)', () => {
  let h: MediaHarness;
  const owner = viewer();

  /** A READY asset of the episode whose aac-128 rendition holds `bytes`. */
  async function readyAsset(episodeId: string, bytes: Buffer, seed: { episodeStatus?: string; ageSeconds?: number } = {}): Promise<string> {
    const id = await seedAsset(h, { ownerId: owner.id, episodeId, ...seed });
    const key = `assets/${id}/renditions/aac-128.m4a`;
    await h.services.storage.put(key, bytes);
    const outputs: AssetOutputs = { renditions: [{ name: 'aac-128', bitrateKbps: 128, mimeType: 'audio/mp4', key, sizeBytes: bytes.length }] };
    await h.running.db.dataSource.query('UPDATE media_assets SET outputs = $2 WHERE id = $1', [id, JSON.stringify(outputs)]);
    return id;
  }
  const enclosureOf = async (assetId: string): Promise<string> => {
    const res = await h.call<{ mediaAsset: { renditions: { enclosureUrl: string | null }[] } }>(RENDITIONS, { id: assetId }, owner);
    expect(res.errors).toBeUndefined();
    return res.data!.mediaAsset.renditions[0].enclosureUrl as string;
  };
  const follow = async (url: string): Promise<{ status: number; location: string | null; bytes?: Buffer }> => {
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) return { status: res.status, location };
    return { status: res.status, location, bytes: Buffer.from(await (await fetch(location)).arrayBuffer()) };
  };

  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('redirects a URL that never changes to a freshly signed URL of the newest READY media', async () => {
    const episodeId = randomUUID();
    const first = randomBytes(5_000);
    const older = await readyAsset(episodeId, first, { ageSeconds: 60 });
    const url = await enclosureOf(older);
    expect(url).toBe(`${h.origin}/media/episodes/${episodeId}/aac-128.m4a`);

    const served = await follow(url);
    expect(served.status).toBe(302);
    expect(served.location).toMatch(new RegExp(`^${h.origin}/media/${older}/renditions/aac-128\\.m4a\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    expect(served.bytes?.equals(first)).toBe(true);
    const head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
    expect([head.status, head.headers.get('location')?.split('?')[0], head.headers.get('cache-control')]).toEqual([302, served.location?.split('?')[0], 'public, max-age=60']);

    // new media for the episode: the same URL now leads to it
    const replaced = randomBytes(7_000);
    const newer = await readyAsset(episodeId, replaced);
    expect(await enclosureOf(newer)).toBe(url);
    const now = await follow(url);
    expect(now.location).toContain(`/media/${newer}/`);
    expect(now.bytes?.equals(replaced)).toBe(true);
  });

  it('is 404 for an episode that is not published, an unknown episode or rendition, and a path that is not one', async () => {
    const draft = randomUUID();
    await readyAsset(draft, randomBytes(100), { episodeStatus: 'DRAFT' });
    const published = randomUUID();
    await readyAsset(published, randomBytes(100));
    for (const path of [`episodes/${draft}/aac-128.m4a`, `episodes/${randomUUID()}/aac-128.m4a`, `episodes/${published}/aac-999.m4a`, `episodes/${published}/aac-128.mp3`, 'episodes/nope/aac-128.m4a']) {
      expect([path, (await follow(`${h.origin}/media/${path}`)).status]).toEqual([path, 404]);
    }
  });
});

import { randomBytes } from 'node:crypto';
import type { AssetOutputs } from '../asset/asset.outputs';
import { seedAsset } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const ASSET = `query($id: ID!) { mediaAsset(id: $id) {
  id status renditions { name mimeType sizeBytes url } hls { masterUrl } waveformUrl thumbnailUrl
} }`;

interface AssetUrls {
  renditions: { name: string; url: string | null }[];
  hls: { masterUrl: string } | null;
  waveformUrl: string | null;
  thumbnailUrl: string | null;
}

describe('signed playback', () => {
  let h: MediaHarness;
  let assetId: string;
  const audio = randomBytes(200_000);
  const segment = randomBytes(30_000);
  const owner = viewer();

  /** Objects as processing writes them, and the outputs that point at them. */
  async function readyAsset(): Promise<string> {
    const id = await seedAsset(h, { ownerId: owner.id, hasVideo: true });
    const prefix = `assets/${id}/`;
    const outputs: AssetOutputs = {
      renditions: [{ name: 'aac-128', bitrateKbps: 128, mimeType: 'audio/mp4', key: `${prefix}renditions/aac-128.m4a`, sizeBytes: audio.length }],
      hls: { masterKey: `${prefix}hls/master.m3u8`, variants: [{ name: 'aac-64', bitrateKbps: 64, playlistKey: `${prefix}hls/aac-64/index.m3u8` }] },
      waveformKey: `${prefix}waveform.json`,
      thumbnailKey: `${prefix}thumbnail.jpg`,
    };
    const { storage } = h.services;
    await storage.put(`${prefix}renditions/aac-128.m4a`, audio);
    await storage.put(`${prefix}hls/master.m3u8`, Buffer.from('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"\naac-64/index.m3u8\n'));
    await storage.put(
      `${prefix}hls/aac-64/index.m3u8`,
      Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:6.0,\nseg-000.ts\n#EXTINF:6.0,\nseg-001.ts\n#EXT-X-ENDLIST\n'),
    );
    await storage.put(`${prefix}hls/aac-64/init.mp4`, randomBytes(100));
    await storage.put(`${prefix}hls/aac-64/seg-000.ts`, segment);
    await storage.put(`${prefix}waveform.json`, Buffer.from(JSON.stringify({ samplesPerPeak: 512, peaks: [0, 0.5, 1] })));
    await storage.put(`${prefix}thumbnail.jpg`, randomBytes(500));
    await h.running.db.dataSource.query('UPDATE media_assets SET outputs = $2 WHERE id = $1', [id, JSON.stringify(outputs)]);
    return id;
  }

  const urlsOf = async (id: string, as = viewer()): Promise<AssetUrls> => {
    const res = await h.call<{ mediaAsset: AssetUrls }>(ASSET, { id }, as);
    expect(res.errors).toBeUndefined();
    return res.data!.mediaAsset;
  };
  const body = async (res: Response): Promise<Buffer> => Buffer.from(await res.arrayBuffer());
  const withParam = (url: string, name: string, value: string): string => {
    const parsed = new URL(url);
    parsed.searchParams.set(name, value);
    return parsed.toString();
  };

  beforeAll(async () => {
    h = await startMedia();
    assetId = await readyAsset();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('hands out signed URLs that serve the objects with their content type', async () => {
    const urls = await urlsOf(assetId);
    const rendition = urls.renditions[0].url!;
    expect(rendition).toMatch(new RegExp(`^${h.origin}/media/${assetId}/renditions/aac-128\\.m4a\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    const res = await fetch(rendition);
    expect([res.status, res.headers.get('content-type'), res.headers.get('accept-ranges'), res.headers.get('content-length')]).toEqual([
      200, 'audio/mp4', 'bytes', String(audio.length),
    ]);
    expect((await body(res)).equals(audio)).toBe(true);
    const waveform = await fetch(urls.waveformUrl!);
    expect([waveform.headers.get('content-type'), ((await waveform.json()) as { samplesPerPeak: number }).samplesPerPeak]).toEqual(['application/json', 512]);
    expect((await fetch(urls.thumbnailUrl!)).headers.get('content-type')).toBe('image/jpeg');
    const head = await fetch(rendition, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), (await body(head)).length]).toEqual([200, String(audio.length), 0]);
  });

  it('serves byte ranges (206) and refuses unsatisfiable ones (416)', async () => {
    const url = (await urlsOf(assetId)).renditions[0].url!;
    const middle = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect([middle.status, middle.headers.get('content-range'), middle.headers.get('content-length')]).toEqual([206, `bytes 1000-1999/${audio.length}`, '1000']);
    expect((await body(middle)).equals(audio.subarray(1000, 2000))).toBe(true);
    const tail = await fetch(url, { headers: { Range: 'bytes=-500' } });
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, `bytes ${audio.length - 500}-${audio.length - 1}/${audio.length}`]);
    expect((await body(tail)).equals(audio.subarray(audio.length - 500))).toBe(true);
    const open = await fetch(url, { headers: { Range: `bytes=${audio.length - 10}-` } });
    expect((await body(open)).equals(audio.subarray(audio.length - 10))).toBe(true);
    const beyond = await fetch(url, { headers: { Range: `bytes=${audio.length}-` } });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${audio.length}`]);
  });

  it('refuses tampered and expired URLs with 403', async () => {
    const url = (await urlsOf(assetId)).renditions[0].url!;
    const sig = new URL(url).searchParams.get('sig')!;
    const exp = Number(new URL(url).searchParams.get('exp'));
    expect((await fetch(withParam(url, 'sig', sig.replace(/^./, sig[0] === 'a' ? 'b' : 'a')))).status).toBe(403);
    expect((await fetch(withParam(url, 'exp', String(exp + 60)))).status).toBe(403);
    expect((await fetch(url.replace('renditions/aac-128.m4a', 'waveform.json'))).status).toBe(403);
    expect((await fetch(url.split('?')[0])).status).toBe(403);
    const { signer } = h.services;
    const expired = signer.url(assetId, `assets/${assetId}/renditions/aac-128.m4a`, Math.floor(Date.now() / 1000) - 1);
    const res = await fetch(expired);
    expect([res.status, await res.text()]).toEqual([403, 'This URL has expired\n']);
  });

  it('rewrites HLS playlists so every URI inside is signed with the same expiry', async () => {
    const masterUrl = (await urlsOf(assetId)).hls!.masterUrl;
    const exp = new URL(masterUrl).searchParams.get('exp');
    const master = await fetch(masterUrl);
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const masterLines = (await master.text()).split('\n');
    expect(masterLines.slice(0, 3)).toEqual(['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"']);
    const variantUrl = masterLines[3];
    expect(variantUrl).toMatch(new RegExp(`^${h.origin}/media/${assetId}/hls/aac-64/index\\.m3u8\\?exp=${exp}&sig=[0-9a-f]{64}$`));

    const variant = await (await fetch(variantUrl)).text();
    const uris = variant.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(uris).toHaveLength(2);
    expect(variant).toMatch(new RegExp(`#EXT-X-MAP:URI="${h.origin}/media/${assetId}/hls/aac-64/init\\.mp4\\?exp=${exp}&sig=[0-9a-f]{64}"`));
    for (const uri of uris) expect(new URL(uri).searchParams.get('exp')).toBe(exp);
    const first = await fetch(uris[0]);
    expect([first.status, first.headers.get('content-type')]).toEqual([200, 'video/mp2t']);
    expect((await body(first)).equals(segment)).toBe(true);
    // signed, but never written: 404
    expect((await fetch(uris[1])).status).toBe(404);
  });

  it('serves nothing of an asset that is not READY, and hands out no URLs for it', async () => {
    const processing = await seedAsset(h, { ownerId: owner.id, status: 'PROCESSING', outputs: { waveformKey: 'placeholder' } });
    const key = `assets/${processing}/waveform.json`;
    await h.services.storage.put(key, Buffer.from('{}'));
    await h.running.db.dataSource.query('UPDATE media_assets SET outputs = $2 WHERE id = $1', [processing, JSON.stringify({ waveformKey: key })]);
    const signed = h.services.signer.url(processing, key, h.services.signer.expiry());
    expect((await fetch(signed)).status).toBe(404);
    expect(await urlsOf(processing, owner)).toMatchObject({ waveformUrl: null, hls: null });

    await h.running.db.dataSource.query("UPDATE media_assets SET status = 'DELETED' WHERE id = $1", [assetId]);
    // a deleted asset hands out no URLs, and a URL handed out before stops working
    expect((await urlsOf(assetId, owner)).renditions[0].url).toBeNull();
    const stale = h.services.signer.url(assetId, `assets/${assetId}/renditions/aac-128.m4a`, h.services.signer.expiry());
    expect((await fetch(stale)).status).toBe(404);
    await h.running.db.dataSource.query("UPDATE media_assets SET status = 'READY' WHERE id = $1", [assetId]);
  });

  it('refuses other methods and paths that leave the asset', async () => {
    const url = (await urlsOf(assetId)).renditions[0].url!;
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${h.origin}/media/${assetId}/..%2F..%2Fsecret?exp=1&sig=00`)).status).toBe(404);
    expect((await fetch(`${h.origin}/media/not-an-id/x?exp=1&sig=00`)).status).toBe(404);
  });
});

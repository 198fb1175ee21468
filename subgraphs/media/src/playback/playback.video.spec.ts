import { randomBytes } from 'node:crypto';
import type { AssetOutputs } from '../asset/asset.outputs';
import { seedAsset } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const VIDEO = `query($id: ID!) { mediaAsset(id: $id) {
  width height frameRate posterUrl
  videoVariants { name width height frameRate bitrateKbps codecs playlistUrl }
  storyboard { spriteUrl vttUrl intervalSeconds tileWidth tileHeight count }
} }`;

interface VideoFields {
  width: number | null;
  height: number | null;
  frameRate: number | null;
  posterUrl: string | null;
  videoVariants: { name: string; width: number; height: number; frameRate: number; bitrateKbps: number; codecs: string; playlistUrl: string | null }[];
  storyboard: { spriteUrl: string; vttUrl: string; intervalSeconds: number; tileWidth: number; tileHeight: number; count: number } | null;
}

describe('a video asset through GraphQL and signed playback', () => {
  let h: MediaHarness;
  const owner = viewer();
  const sprite = randomBytes(4000);
  const poster = randomBytes(3000);
  const segment = randomBytes(20_000);

  async function videoAsset(status: 'READY' | 'PROCESSING' = 'READY'): Promise<string> {
    const id = await seedAsset(h, { ownerId: owner.id, hasVideo: true, status });
    const prefix = `assets/${id}/run-0/`;
    const outputs: AssetOutputs = {
      hls: { masterKey: `${prefix}hls/master.m3u8`, variants: [] },
      video: {
        variants: [
          { name: '360p', width: 640, height: 360, frameRate: 30, bitrateKbps: 928, codecs: 'avc1.64001e,mp4a.40.2', playlistKey: `${prefix}hls/360p/index.m3u8`, bandwidth: 1_100_000, averageBandwidth: 950_000 },
          { name: '720p', width: 1280, height: 720, frameRate: 30, bitrateKbps: 2928, codecs: 'avc1.64001f,mp4a.40.2', playlistKey: `${prefix}hls/720p/index.m3u8`, bandwidth: 3_400_000, averageBandwidth: 3_000_000 },
        ],
      },
      posterKey: `${prefix}poster.jpg`,
      storyboard: { spriteKey: `${prefix}storyboard/sprite.jpg`, vttKey: `${prefix}storyboard/storyboard.vtt`, intervalSeconds: 1, tileWidth: 160, tileHeight: 90, columns: 2, rows: 1, count: 2 },
    };
    const { storage } = h.services;
    await storage.put(`${prefix}poster.jpg`, poster);
    await storage.put(`${prefix}storyboard/sprite.jpg`, sprite);
    await storage.put(`${prefix}storyboard/storyboard.vtt`, Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsprite.jpg#xywh=0,0,160,90\n\n00:00:01.000 --> 00:00:01.500\nsprite.jpg#xywh=160,0,160,90\n'));
    await storage.put(`${prefix}hls/720p/index.m3u8`, Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:1.5,\nseg-00000.ts\n#EXT-X-ENDLIST\n'));
    await storage.put(`${prefix}hls/720p/seg-00000.ts`, segment);
    await h.running.db.dataSource.query('UPDATE media_assets SET outputs = $2, width = 1920, height = 1080, frame_rate = 29.97 WHERE id = $1', [id, JSON.stringify(outputs)]);
    return id;
  }

  const fieldsOf = async (id: string, as = viewer()): Promise<VideoFields> => {
    const res = await h.call<{ mediaAsset: VideoFields }>(VIDEO, { id }, as);
    expect(res.errors).toBeUndefined();
    return res.data!.mediaAsset;
  };

  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reports the picture, every variant and signed poster, playlist and storyboard URLs', async () => {
    const id = await videoAsset();
    const asset = await fieldsOf(id);
    expect(asset).toMatchObject({ width: 1920, height: 1080, frameRate: 29.97, storyboard: { intervalSeconds: 1, tileWidth: 160, tileHeight: 90, count: 2 } });
    expect(asset.videoVariants.map(({ playlistUrl, ...v }) => v)).toEqual([
      { name: '360p', width: 640, height: 360, frameRate: 30, bitrateKbps: 928, codecs: 'avc1.64001e,mp4a.40.2' },
      { name: '720p', width: 1280, height: 720, frameRate: 30, bitrateKbps: 2928, codecs: 'avc1.64001f,mp4a.40.2' },
    ]);
    const signed = new RegExp(`^${h.origin}/media/${id}/run-0/[^?]+\\?exp=\\d+&sig=[0-9a-f]{64}$`);
    for (const url of [asset.posterUrl, asset.storyboard?.spriteUrl, asset.storyboard?.vttUrl, ...asset.videoVariants.map((v) => v.playlistUrl)]) expect(url).toMatch(signed);

    const posterRes = await fetch(asset.posterUrl!);
    expect([posterRes.status, posterRes.headers.get('content-type'), Buffer.from(await posterRes.arrayBuffer()).equals(poster)]).toEqual([200, 'image/jpeg', true]);
    const variant = await (await fetch(asset.videoVariants[1]!.playlistUrl!)).text();
    const segmentUrl = variant.split('\n').find((line) => line.startsWith('http'))!;
    expect(Buffer.from(await (await fetch(segmentUrl)).arrayBuffer()).equals(segment)).toBe(true);
  });

  it('serves the thumbnail track with every sprite reference signed, its fragment kept', async () => {
    const id = await videoAsset();
    const { storyboard } = await fieldsOf(id);
    const res = await fetch(storyboard!.vttUrl);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/vtt; charset=utf-8']);
    const track = await res.text();
    const exp = new URL(storyboard!.vttUrl).searchParams.get('exp');
    const references = track.split('\n').filter((line) => line.includes('#xywh='));
    expect(references.map((line) => line.slice(line.indexOf('#')))).toEqual(['#xywh=0,0,160,90', '#xywh=160,0,160,90']);
    for (const reference of references) {
      const url = reference.slice(0, reference.indexOf('#'));
      expect(url).toMatch(new RegExp(`^${h.origin}/media/${id}/run-0/storyboard/sprite\\.jpg\\?exp=${exp}&sig=[0-9a-f]{64}$`));
      const image = await fetch(url);
      expect([image.status, image.headers.get('content-type'), Buffer.from(await image.arrayBuffer()).equals(sprite)]).toEqual([200, 'image/jpeg', true]);
    }
    expect(track.startsWith('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n')).toBe(true);
  });

  it('hands out no video URLs before the asset is READY, and an audio asset has none', async () => {
    const processing = await videoAsset('PROCESSING');
    expect(await fieldsOf(processing, owner)).toMatchObject({ posterUrl: null, storyboard: null, videoVariants: [{ playlistUrl: null }, { playlistUrl: null }] });
    const audio = await seedAsset(h, {});
    expect(await fieldsOf(audio)).toEqual({ width: null, height: null, frameRate: null, posterUrl: null, videoVariants: [], storyboard: null });
  });
});

import type { DataSource } from 'typeorm';
import type { MediaStorage } from '../../storage/storage.port';
import { assetState, type AssetState } from './processing.harness';

/** Waits for an asset to reach `status`; a different final status fails at once, with its reason. */
export async function waitForAsset(dataSource: DataSource, id: string, status: 'READY' | 'FAILED', timeoutMs = 90_000): Promise<AssetState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const asset = await assetState(dataSource, id);
    if (asset.status === status) return asset;
    if (asset.status === 'READY' || asset.status === 'FAILED') {
      throw new Error(`asset ${id} is ${asset.status}, expected ${status} (${asset.failed_step}: ${asset.failure_reason})`);
    }
    if (Date.now() > deadline) throw new Error(`asset ${id} still ${asset.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function readText(storage: MediaStorage, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A playlist's non-comment lines (URIs) and `#EXTINF` durations, read the way a player does. */
export function playlistEntries(text: string): { uris: string[]; durations: number[]; tags: string[] } {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return {
    uris: lines.filter((line) => !line.startsWith('#')),
    durations: lines.filter((line) => line.startsWith('#EXTINF:')).map((line) => parseFloat(line.slice('#EXTINF:'.length))),
    tags: lines.filter((line) => line.startsWith('#')),
  };
}

export interface HlsCheck {
  variants: { uri: string; bandwidth: number; codecs: string; segments: number; seconds: number }[];
  keys: string[];
}

/** Follows master → media playlists → segments in storage; throws at the first missing piece. */
export async function followHls(storage: MediaStorage, masterKey: string): Promise<HlsCheck> {
  const base = masterKey.slice(0, masterKey.lastIndexOf('/') + 1);
  const master = await readText(storage, masterKey);
  if (!master.startsWith('#EXTM3U')) throw new Error('master playlist does not start with #EXTM3U');
  const { uris, tags } = playlistEntries(master);
  const infos = tags.filter((tag) => tag.startsWith('#EXT-X-STREAM-INF:'));
  if (infos.length !== uris.length || uris.length === 0) throw new Error('every variant needs one #EXT-X-STREAM-INF');
  const keys = [masterKey];
  const variants = [];
  for (const [i, uri] of uris.entries()) {
    const info = infos[i] as string;
    const playlistKey = base + uri;
    const media = playlistEntries(await readText(storage, playlistKey));
    if (!media.tags.includes('#EXT-X-ENDLIST')) throw new Error(`${uri} is not a finished VOD playlist`);
    keys.push(playlistKey);
    const dir = playlistKey.slice(0, playlistKey.lastIndexOf('/') + 1);
    for (const segment of media.uris) {
      if (!(await storage.stat(dir + segment))) throw new Error(`segment ${dir + segment} is missing`);
      keys.push(dir + segment);
    }
    variants.push({
      uri,
      bandwidth: Number(/[:,]BANDWIDTH=(\d+)/.exec(info)?.[1]),
      codecs: /CODECS="([^"]+)"/.exec(info)?.[1] ?? '',
      segments: media.uris.length,
      seconds: media.durations.reduce((a, b) => a + b, 0),
    });
  }
  return { variants, keys };
}

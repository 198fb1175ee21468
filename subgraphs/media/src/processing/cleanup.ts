import type { DataSource } from 'typeorm';
import { assetPrefix } from '../asset/asset.outputs';
import type { Retirement } from '../storage/retired';
import type { MediaStorage } from '../storage/storage.port';
import { loadAsset } from './processing.store';

/**
 * Retires the objects of runs up to the current one that the READY asset does not point at:
 * outputs of a replaced source (players may still hold signed URLs for them), and whatever a
 * job of an old run wrote after a new run started. Only keys in run folders are touched; the
 * source and anything else stay. Returns the keys it retired.
 */
export async function removeUnreferenced(
  { dataSource, storage, retirement }: { dataSource: DataSource; storage: MediaStorage; retirement: Retirement },
  assetId: string,
): Promise<string[]> {
  const asset = await loadAsset(dataSource, assetId);
  if (!asset || asset.status !== 'READY') return [];
  const { outputs } = asset;
  const keep = new Set([
    outputs.normalizedKey,
    outputs.waveformKey,
    outputs.thumbnailKey,
    outputs.posterKey,
    outputs.storyboard?.spriteKey,
    outputs.storyboard?.vttKey,
    ...(outputs.renditions ?? []).map((r) => r.key),
  ]);
  // segments are named by the playlists, not by outputs: keep the whole folder of the master (the video ladder's too)
  const hlsDir = outputs.hls ? outputs.hls.masterKey.slice(0, outputs.hls.masterKey.lastIndexOf('/') + 1) : undefined;
  const runs = `${assetPrefix(assetId)}run-`;
  // a newer run may have started meanwhile: its folder is not ours to judge
  const olderRun = (key: string) => Number(/^(\d+)\//.exec(key.slice(runs.length))?.[1] ?? Infinity) <= asset.run;
  const stale = (await storage.list(runs)).filter((key) => olderRun(key) && !keep.has(key) && !(hlsDir && key.startsWith(hlsDir)));
  // deletePrefix is the port's only delete; these keys are prefixes of nothing else in a run folder
  await retirement.retire(stale);
  return stale;
}

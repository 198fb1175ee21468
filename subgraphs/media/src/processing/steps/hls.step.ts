import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AssetOutputs, VideoVariant } from '../../asset/asset.outputs';
import { ffmpeg } from '../ffmpeg';
import { allExist, outputKeys, type StepFile, type StepDefinition } from './step';

export const SEGMENT_SECONDS = 6;
export const AAC_CODEC = 'mp4a.40.2';

/** `#EXTINF` durations and segment URIs of a media playlist, in order. */
export function parseMediaPlaylist(text: string): { duration: number; uri: string }[] {
  const segments: { duration: number; uri: string }[] = [];
  let duration: number | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line);
    if (extinf) duration = Number(extinf[1]);
    else if (line && !line.startsWith('#') && duration !== undefined) {
      segments.push({ duration, uri: line });
      duration = undefined;
    }
  }
  return segments;
}

type Variant = { name: string; bitrateKbps: number; dir: string; bandwidth: number; average: number };

/** BANDWIDTH must be the peak segment bitrate (RFC 8216 §4.3.4.2); both are measured, not guessed. */
export async function measure(dir: string, segments: { duration: number; uri: string }[]): Promise<{ bandwidth: number; average: number }> {
  let peak = 0;
  let bytes = 0;
  let seconds = 0;
  for (const segment of segments) {
    const size = (await stat(path.join(dir, segment.uri))).size;
    bytes += size;
    seconds += segment.duration;
    if (segment.duration > 0.5) peak = Math.max(peak, (size * 8) / segment.duration);
  }
  const average = seconds > 0 ? (bytes * 8) / seconds : 0;
  return { bandwidth: Math.ceil(Math.max(peak, average)), average: Math.ceil(average) };
}

/** One `#EXT-X-STREAM-INF` of the master: a video variant has a picture, an audio-only one has not. */
export interface MasterEntry {
  uri: string;
  bandwidth: number;
  average: number;
  codecs: string;
  picture?: { width: number; height: number; frameRate: number };
}

export function masterPlaylist(entries: MasterEntry[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const e of entries) {
    const picture = e.picture ? `,RESOLUTION=${e.picture.width}x${e.picture.height},FRAME-RATE=${e.picture.frameRate.toFixed(3)}` : '';
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${e.bandwidth},AVERAGE-BANDWIDTH=${e.average}${picture},CODECS="${e.codecs}"`, e.uri);
  }
  return `${lines.join('\n')}\n`;
}

/** The video ladder's variants (written by the video step), then the audio-only ones. */
function masterEntries(prefix: string, video: VideoVariant[], audio: Variant[]): MasterEntry[] {
  return [
    ...video.map((v) => ({
      uri: v.playlistKey.slice(prefix.length),
      bandwidth: v.bandwidth,
      average: v.averageBandwidth,
      codecs: v.codecs,
      picture: { width: v.width, height: v.height, frameRate: v.frameRate },
    })),
    ...audio.map((v) => ({ uri: `${v.name}/index.m3u8`, bandwidth: v.bandwidth, average: v.average, codecs: AAC_CODEC })),
  ];
}

/**
 * One HLS variant per rendition, remuxed from the `.m4a` (no second encode: the same audio
 * as the downloads) into MPEG-TS segments, plus the master playlist, which lists a video
 * source's ladder (see the video step) before these audio-only variants. Segments are
 * committed before the playlists that name them, the master last.
 */
export const hlsStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    const renditions = asset.outputs.renditions ?? [];
    if (renditions.length === 0) throw new Error('renditions have not been produced yet');
    const prefix = outputKeys.hlsDir(asset);
    const segmentFiles: StepFile[] = [];
    const playlistFiles: StepFile[] = [];
    const variants: Variant[] = [];
    for (const [i, rendition] of renditions.entries()) {
      const input = await fetch(rendition.key);
      const dir = path.join(workDir, 'hls', rendition.name);
      await mkdir(dir, { recursive: true });
      const playlist = path.join(dir, 'index.m3u8');
      await ffmpeg(
        ['-i', input, '-map', '0:a:0', '-c', 'copy', '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod',
          '-hls_segment_filename', path.join(dir, 'seg-%05d.ts'), playlist],
        { onProgress: (f) => progress((i + f) / renditions.length), durationSeconds: asset.duration_seconds ?? 0, signal },
      );
      const segments = parseMediaPlaylist(await readFile(playlist, 'utf8'));
      if (segments.length === 0) throw new Error(`ffmpeg wrote an empty playlist for ${rendition.name}`);
      for (const segment of segments) segmentFiles.push({ key: `${prefix}${rendition.name}/${segment.uri}`, path: path.join(dir, segment.uri), contentType: 'video/mp2t' });
      playlistFiles.push({ key: `${prefix}${rendition.name}/index.m3u8`, path: playlist, contentType: 'application/vnd.apple.mpegurl' });
      variants.push({ name: rendition.name, bitrateKbps: rendition.bitrateKbps, dir, ...(await measure(dir, segments)) });
    }
    const master = path.join(workDir, 'hls', 'master.m3u8');
    await writeFile(master, masterPlaylist(masterEntries(prefix, asset.outputs.video?.variants ?? [], variants)));
    const hls: AssetOutputs['hls'] = {
      masterKey: `${prefix}master.m3u8`,
      variants: variants.map((v) => ({ name: v.name, bitrateKbps: v.bitrateKbps, playlistKey: `${prefix}${v.name}/index.m3u8` })),
    };
    return {
      files: [...segmentFiles, ...playlistFiles, { key: hls.masterKey, path: master, contentType: 'application/vnd.apple.mpegurl' }],
      outputs: { hls },
    };
  },
  outputsExist: (asset, storage) => allExist(storage, asset.outputs.hls ? [asset.outputs.hls.masterKey, ...asset.outputs.hls.variants.map((v) => v.playlistKey)] : []),
};

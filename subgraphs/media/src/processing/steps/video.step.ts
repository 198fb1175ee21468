import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VideoVariant } from '../../asset/asset.outputs';
import { ffmpeg } from '../ffmpeg';
import { AAC_CODEC, measure, parseMediaPlaylist, SEGMENT_SECONDS } from './hls.step';
import { probeFile, videoStream } from './probe.step';
import { renditionName } from './renditions.step';
import { allExist, outputKeys, sourceOf, type StepDefinition, type StepFile } from './step';
import { avcCodecOf } from './video.codecs';
import { AUDIO_KBPS, BUFSIZE_FACTOR, displayGeometry, GOP_SECONDS, ladderFor, MAXRATE_FACTOR, type Rung } from './video.ladder';

/** x264's speed/size trade-off (MEDIA_VIDEO_PRESET); veryfast keeps a 2-core worker near real time at 1080p. */
const preset = (): string => process.env.MEDIA_VIDEO_PRESET || 'veryfast';

/**
 * One ffmpeg run for the whole ladder: the source is decoded once, brought to constant frame
 * rate, split and scaled per rung; every rung is H.264 High (yuv420p) with a keyframe every
 * 2 s exactly and no scene-cut keyframes, so the 6 s segments of all variants start on the
 * same keyframes and players switch cleanly. The audio is the 128 kbps rendition's AAC, copied.
 * `streamIndex` is the source's picture (not cover art that may come first).
 */
export function ladderArgs(source: string, streamIndex: number, audio: string, rungs: Rung[], outDir: string): string[] {
  const split = rungs.map((_, i) => `[s${i}]`).join('');
  const scaled = rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`).join(';');
  const gop = String(Math.round(GOP_SECONDS * rungs[0]!.frameRate));
  const perRung = rungs.flatMap((r, i) => [
    `-b:v:${i}`, `${r.videoKbps}k`,
    `-maxrate:v:${i}`, `${Math.round(r.videoKbps * MAXRATE_FACTOR)}k`,
    `-bufsize:v:${i}`, `${Math.round(r.videoKbps * BUFSIZE_FACTOR)}k`,
    `-level:v:${i}`, r.level,
  ]);
  return [
    '-i', source, '-i', audio,
    '-filter_complex', `[0:${streamIndex}]fps=${rungs[0]!.rate},split=${rungs.length}${split};${scaled}`,
    ...rungs.flatMap((_, i) => ['-map', `[v${i}]`, '-map', '1:a:0']),
    '-c:v', 'libx264', '-profile:v', 'high', '-preset', preset(),
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${GOP_SECONDS})`,
    ...perRung,
    '-c:a', 'copy',
    '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod', '-hls_flags', 'independent_segments',
    '-var_stream_map', rungs.map((r, i) => `v:${i},a:${i},name:${r.name}`).join(' '),
    '-hls_segment_filename', path.join(outDir, '%v', 'seg-%05d.ts'),
    path.join(outDir, '%v', 'index.m3u8'),
  ];
}

/**
 * The adaptive H.264/AAC ladder of a video source as HLS media playlists (MPEG-TS segments),
 * one per variant, below the asset's HLS folder; the `hls` step lists them in the master.
 * SKIPPED for audio-only sources.
 */
export const videoStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    if (!asset.has_video) return { files: [], skipped: true };
    const audioRendition = asset.outputs.renditions?.find((r) => r.name === renditionName(AUDIO_KBPS));
    if (!audioRendition) throw new Error('renditions have not been produced yet');
    const source = await fetch(sourceOf(asset));
    const stream = videoStream(await probeFile(source, signal));
    const geometry = stream && displayGeometry(stream);
    if (!stream || !geometry) throw new Error('the source has no video stream to encode');
    const audio = await fetch(audioRendition.key);
    const rungs = ladderFor(geometry);
    const outDir = path.join(workDir, 'video');
    for (const rung of rungs) await mkdir(path.join(outDir, rung.name), { recursive: true });
    await ffmpeg(ladderArgs(source, stream.index, audio, rungs, outDir), { onProgress: (f) => progress(f * 0.95), durationSeconds: asset.duration_seconds ?? 0, signal });

    const prefix = outputKeys.hlsDir(asset);
    const segments: StepFile[] = [];
    const playlists: StepFile[] = [];
    const variants: VideoVariant[] = [];
    for (const rung of rungs) {
      const dir = path.join(outDir, rung.name);
      const playlist = path.join(dir, 'index.m3u8');
      const entries = parseMediaPlaylist(await readFile(playlist, 'utf8'));
      if (entries.length === 0) throw new Error(`ffmpeg wrote an empty playlist for ${rung.name}`);
      for (const entry of entries) segments.push({ key: `${prefix}${rung.name}/${entry.uri}`, path: path.join(dir, entry.uri), contentType: 'video/mp2t' });
      const playlistKey = `${prefix}${rung.name}/index.m3u8`;
      playlists.push({ key: playlistKey, path: playlist, contentType: 'application/vnd.apple.mpegurl' });
      const { bandwidth, average } = await measure(dir, entries);
      variants.push({
        name: rung.name,
        width: rung.width,
        height: rung.height,
        frameRate: rung.frameRate,
        bitrateKbps: rung.videoKbps + AUDIO_KBPS,
        codecs: `${await avcCodecOf(path.join(dir, entries[0]!.uri), signal)},${AAC_CODEC}`,
        playlistKey,
        bandwidth,
        averageBandwidth: average,
      });
    }
    // segments before the playlists that name them
    return { files: [...segments, ...playlists], outputs: { video: { variants } } };
  },
  outputsExist: (asset, storage) => (asset.has_video ? allExist(storage, (asset.outputs.video?.variants ?? []).map((v) => v.playlistKey)) : Promise.resolve(true)),
};

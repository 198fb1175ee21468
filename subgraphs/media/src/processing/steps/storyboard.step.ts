import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Storyboard } from '../../asset/asset.outputs';
import { ffmpeg } from '../ffmpeg';
import { probeFile, videoStream } from './probe.step';
import { allExist, outputKeys, sourceOf, type StepDefinition } from './step';
import { displayGeometry } from './video.ladder';

/** At most this many thumbnails, whatever the length: one sprite stays a few hundred kilobytes. */
export const MAX_TILES = 100;
/** Never more often than this (seconds), however short the video. */
export const MIN_INTERVAL_SECONDS = 1;
/** Tiles are this many pixels on their long side (160×90 for 16:9, 90×160 for portrait). */
export const TILE_LONG_SIDE = 160;
export const MAX_COLUMNS = 10;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

export interface StoryboardLayout {
  intervalSeconds: number;
  count: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
}

/** Interval, count and grid for a video: the interval grows with the duration so the count stays bounded. */
export function storyboardLayout(durationSeconds: number, picture: { width: number; height: number }): StoryboardLayout {
  const intervalSeconds = Math.max(MIN_INTERVAL_SECONDS, Math.ceil(durationSeconds / MAX_TILES));
  const count = Math.max(1, Math.ceil(durationSeconds / intervalSeconds));
  const scale = TILE_LONG_SIDE / Math.max(picture.width, picture.height);
  const columns = Math.min(count, MAX_COLUMNS);
  return { intervalSeconds, count, tileWidth: even(picture.width * scale), tileHeight: even(picture.height * scale), columns, rows: Math.ceil(count / columns) };
}

const timestamp = (seconds: number): string => {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
};

/** The WebVTT thumbnail track: one cue per tile, `sprite.jpg#xywh=x,y,w,h`, together covering the whole duration. */
export function storyboardVtt(layout: StoryboardLayout, durationSeconds: number, sprite: string): string {
  const cues = [];
  for (let i = 0; i < layout.count; i += 1) {
    const start = i * layout.intervalSeconds;
    const end = Math.min((i + 1) * layout.intervalSeconds, durationSeconds);
    const x = (i % layout.columns) * layout.tileWidth;
    const y = Math.floor(i / layout.columns) * layout.tileHeight;
    cues.push(`${timestamp(start)} --> ${timestamp(end)}\n${sprite}#xywh=${x},${y},${layout.tileWidth},${layout.tileHeight}`);
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/**
 * Scrubbing previews, as PeerTube offers them: a frame every `intervalSeconds` tiled into one
 * JPEG sprite, and a WebVTT track whose cues point into it (served signed; the playback route
 * signs the sprite's URI inside the track). SKIPPED for audio-only sources.
 */
export const storyboardStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    if (!asset.has_video) return { files: [], skipped: true };
    const source = await fetch(sourceOf(asset));
    const stream = videoStream(await probeFile(source, signal));
    const picture = stream && displayGeometry(stream);
    if (!stream || !picture) throw new Error('the source has no video stream for a storyboard');
    const duration = asset.duration_seconds ?? 0;
    const layout = storyboardLayout(duration, picture);
    const sprite = path.join(workDir, 'sprite.jpg');
    const filter = `fps=1/${layout.intervalSeconds},scale=${layout.tileWidth}:${layout.tileHeight},setsar=1,tile=${layout.columns}x${layout.rows}`;
    await ffmpeg(['-i', source, '-map', `0:${stream.index}`, '-vf', filter, '-frames:v', '1', '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', sprite], {
      onProgress: (f) => progress(f * 0.95),
      durationSeconds: duration,
      signal,
    });
    const vtt = path.join(workDir, 'storyboard.vtt');
    const spriteKey = outputKeys.storyboardSprite(asset);
    await writeFile(vtt, storyboardVtt(layout, duration, path.posix.basename(spriteKey)));
    const storyboard: Storyboard = { spriteKey, vttKey: outputKeys.storyboardVtt(asset), ...layout };
    return {
      // the sprite before the track that points into it
      files: [
        { key: spriteKey, path: sprite, contentType: 'image/jpeg' },
        { key: storyboard.vttKey, path: vtt, contentType: 'text/vtt' },
      ],
      outputs: { storyboard },
    };
  },
  outputsExist: (asset, storage) => (asset.has_video ? allExist(storage, [asset.outputs.storyboard?.spriteKey, asset.outputs.storyboard?.vttKey]) : Promise.resolve(true)),
};

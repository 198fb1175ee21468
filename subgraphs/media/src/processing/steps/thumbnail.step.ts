import path from 'node:path';
import { ffmpeg } from '../ffmpeg';
import { isPicture, probeFile, videoStream } from './probe.step';
import { allExist, outputKeys, sourceOf, type StepDefinition, type StepFile } from './step';
import { displayGeometry, type Geometry } from './video.ladder';

/** Wide enough for cards and players, small enough to load in a list. */
const MAX_WIDTH = 640;
const SCALE = `scale='min(${MAX_WIDTH},iw)':-2`;
/** A video's poster keeps its full resolution up to this many lines on the short side (1080p). */
export const POSTER_MAX_LINES = 1080;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/** The poster's size: the picture as displayed, scaled down (never up) to 1080 lines on its short side. */
export function posterSize(picture: Pick<Geometry, 'width' | 'height'>): { width: number; height: number } {
  const factor = Math.min(1, POSTER_MAX_LINES / Math.min(picture.width, picture.height));
  return { width: even(picture.width * factor), height: even(picture.height * factor) };
}

/**
 * A JPEG for the player: a frame at 10% of a video (past black intros and fades), or the
 * cover art embedded in an audio file. A video also gets its poster, the same frame at full
 * resolution (capped at 1080 lines). SKIPPED when the source has no picture at all.
 */
export const thumbnailStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    const source = await fetch(sourceOf(asset));
    const probe = await probeFile(source, signal);
    const video = videoStream(probe);
    const still = video ?? probe.streams.find(isPicture);
    if (!still) return { files: [], skipped: true };
    progress(0.3);
    const file = path.join(workDir, 'thumbnail.jpg');
    const jpeg = ['-frames:v', '1', '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg'];
    const geometry = video && displayGeometry(video);
    if (!video || !geometry) {
      await ffmpeg(['-i', source, '-map', `0:${still.index}`, ...jpeg.slice(0, 2), '-vf', SCALE, ...jpeg.slice(2), file], { signal });
      const key = outputKeys.thumbnail(asset);
      return { files: [{ key, path: file, contentType: 'image/jpeg' }], outputs: { thumbnailKey: key } };
    }
    // -ss before -i seeks on the input: fast, and precise enough for a still; one decode, two pictures
    const poster = path.join(workDir, 'poster.jpg');
    const size = posterSize(geometry);
    await ffmpeg(
      ['-ss', ((asset.duration_seconds ?? 0) * 0.1).toFixed(3), '-i', source,
        '-filter_complex', `[0:${still.index}]split[a][b];[a]${SCALE}[thumb];[b]scale=${size.width}:${size.height},setsar=1[poster]`,
        '-map', '[thumb]', ...jpeg, file, '-map', '[poster]', ...jpeg, poster],
      { signal },
    );
    const files: StepFile[] = [
      { key: outputKeys.thumbnail(asset), path: file, contentType: 'image/jpeg' },
      { key: outputKeys.poster(asset), path: poster, contentType: 'image/jpeg' },
    ];
    return { files, outputs: { thumbnailKey: outputKeys.thumbnail(asset), posterKey: outputKeys.poster(asset) } };
  },
  // a video always has a thumbnail and a poster; audio has one only when it carried cover art
  outputsExist: (asset, storage) =>
    asset.has_video
      ? allExist(storage, [asset.outputs.thumbnailKey, asset.outputs.posterKey])
      : asset.outputs.thumbnailKey
        ? allExist(storage, [asset.outputs.thumbnailKey])
        : Promise.resolve(true),
};

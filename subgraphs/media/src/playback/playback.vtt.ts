import path from 'node:path';

/** A thumbnail cue's payload: an image beside the track, with an optional media fragment. */
const IMAGE_CUE = /^([^\s#?/][^\s#?]*\.(?:jpe?g|png|webp))(#xywh=\d+,\d+,\d+,\d+)?$/i;

/**
 * Rewrites a WebVTT thumbnail track (a storyboard) so the image each cue names is a signed URL
 * with the track's own expiry, its `#xywh=` fragment kept. Only lines that are nothing but a
 * relative image reference change: the text cues of subtitles and transcripts pass as they are.
 */
export function rewriteThumbnailTrack(track: string, trackRelativeKey: string, sign: (relative: string) => string): string {
  const dir = path.posix.dirname(trackRelativeKey);
  return track
    .split(/\r?\n/)
    .map((line) => {
      const match = IMAGE_CUE.exec(line.trim());
      // absolute URLs cannot be signed, and never occur in tracks we write
      if (!match || /^[a-z][a-z0-9+.-]*:/i.test(match[1] as string)) return line;
      const relative = path.posix.normalize(path.posix.join(dir, match[1] as string));
      if (relative.startsWith('..')) return line;
      return `${sign(relative)}${match[2] ?? ''}`;
    })
    .join('\n');
}

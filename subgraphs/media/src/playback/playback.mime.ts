/** Content types by extension; players (Safari, hls.js, <audio>) rely on them. */
const BY_EXTENSION: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  m4s: 'audio/mp4',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  webm: 'video/webm',
  mov: 'video/quicktime',
  json: 'application/json',
  vtt: 'text/vtt; charset=utf-8',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** `.mp4` is audio/mp4 for our AAC renditions and video/mp4 only when the asset has video. */
export function contentTypeOf(key: string, hasVideo: boolean, stored?: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase() ?? '';
  if (extension === 'mp4') return hasVideo ? 'video/mp4' : 'audio/mp4';
  return BY_EXTENSION[extension] ?? stored ?? 'application/octet-stream';
}

/** The types media's createUpload takes, and what feeds call them. */
const MEDIA_TYPES = new Set(['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'audio/x-wav', 'audio/flac', 'audio/ogg', 'video/mp4', 'video/quicktime', 'video/webm']);
const ALIASES: Record<string, string> = { 'audio/mp3': 'audio/mpeg', 'audio/x-mp3': 'audio/mpeg', 'audio/mpeg3': 'audio/mpeg', 'audio/x-m4a': 'audio/mp4', 'audio/m4a': 'audio/mp4', 'audio/x-flac': 'audio/flac', 'audio/vorbis': 'audio/ogg', 'video/x-m4v': 'video/mp4' };
const BY_EXTENSION: Record<string, string> = { mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', wav: 'audio/wav', flac: 'audio/flac', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm' };

/** The media type to declare: the feed's, the server's, or the file name's, whichever media takes; null when none. */
export function mediaTypeOf(url: string, ...declared: Array<string | null | undefined>): string | null {
  for (const raw of declared) {
    const type = (raw ?? '').toLowerCase();
    const known = ALIASES[type] ?? type;
    if (MEDIA_TYPES.has(known)) return known;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return (extension && BY_EXTENSION[extension]) || null;
}

/** The enclosure's file name for media (1..255 characters, no path). */
export function fileNameOf(url: string, mimeType: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').replace(/[^\w.\- ]+/g, '_').slice(-200);
  if (last && /\.[a-z0-9]+$/i.test(last)) return last;
  const extension = Object.entries(BY_EXTENSION).find(([, type]) => type === mimeType)?.[0] ?? 'bin';
  return `${last || 'enclosure'}.${extension}`;
}

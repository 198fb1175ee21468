import path from 'node:path';

/**
 * Rewrites an HLS playlist so every URI in it (variant playlists, segments, init maps, keys)
 * is a signed URL with the playlist's own expiry: a player only ever holds URLs we signed, and
 * each one leads to more of the same. `sign` gets the key relative to the asset; URIs that are
 * absolute or leave the asset are left as they are (they cannot be signed, and never occur in
 * playlists we write).
 */
export function rewritePlaylist(playlist: string, playlistRelativeKey: string, sign: (relative: string) => string): string {
  const dir = path.posix.dirname(playlistRelativeKey);
  const signUri = (uri: string): string => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) return uri;
    const relative = path.posix.normalize(path.posix.join(dir, uri.split(/[?#]/)[0]));
    if (relative.startsWith('..') || relative === '.') return uri;
    return sign(relative);
  };
  return playlist
    .split(/\r?\n/)
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (trimmed.startsWith('#')) return line.replace(/URI="([^"]*)"/g, (_all, uri: string) => `URI="${signUri(uri)}"`);
      return signUri(trimmed);
    })
    .join('\n');
}

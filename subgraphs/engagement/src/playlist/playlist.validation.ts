import { badInput, requireLength, requireUuid } from '@wavegraph/kit';

export const MAX_PLAYLIST_NAME = 100;
/** Big enough for any real list, small enough that a reorder is one cheap statement. */
export const MAX_PLAYLIST_ITEMS = 500;

export const validPlaylistName = (name: string): string => requireLength('name', name, 1, MAX_PLAYLIST_NAME);

/** The complete new order: valid ids, each once. Whether it matches the playlist is checked under lock. */
export function validOrder(episodeIds: readonly string[]): string[] {
  if (episodeIds.length > MAX_PLAYLIST_ITEMS) throw badInput(`episodeIds can list at most ${MAX_PLAYLIST_ITEMS} episodes`, 'episodeIds');
  const ids = episodeIds.map((id) => requireUuid('episodeIds', id));
  if (new Set(ids).size !== ids.length) throw badInput('episodeIds must not repeat an episode', 'episodeIds');
  return ids;
}

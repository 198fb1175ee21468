import type { Viewer } from '@wavegraph/auth';
import type { Playlist } from './playlist.entity';

export const ownsPlaylist = (viewer: Viewer | null, playlist: Playlist): boolean => viewer !== null && viewer.id === playlist.ownerId;

/** Public playlists are for everyone; a private one is only seen (or admitted to exist) by its owner. */
export const canSeePlaylist = (viewer: Viewer | null, playlist: Playlist): boolean => playlist.isPublic || ownsPlaylist(viewer, playlist);

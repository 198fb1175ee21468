import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';
import { encodePositionCursor } from '../common/cursor';
import { Episode } from '../episode/episode.type';
import { Playlist, type PlaylistItem } from './playlist.entity';

export const PlaylistConnection = connectionOf(Playlist, 'Playlist');
export const playlistCursor = (playlist: Playlist): string => encodeTimeCursor(playlist.createdAt, playlist.id);

export const PlaylistEpisodeConnection = connectionOf(Episode, 'PlaylistEpisode', { referenceNodes: true });
export const itemCursor = (item: PlaylistItem): string => encodePositionCursor(item.position);

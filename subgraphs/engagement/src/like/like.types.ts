import { connectionOf } from '@wavegraph/kit';
import { Episode } from '../episode/episode.type';

export const LikedEpisodeConnection = connectionOf(Episode, 'LikedEpisode', { referenceNodes: true });

import { connectionOf } from '@wavegraph/kit';
import { Episode } from '../episode/episode.type';

/** Catalog owns `EpisodeConnection`; discovery's list of episode references has its own name. */
export const BrowseConnection = connectionOf(Episode, 'Browse', { referenceNodes: true });

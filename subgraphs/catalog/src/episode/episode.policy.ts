import type { Viewer } from '@wavegraph/auth';
import { canSeeEpisode as episodeRule } from '@wavegraph/events';
import { EpisodeStatus, type Episode } from './episode.entity';

/** Looks up the owner of a show (null when the show does not exist). */
export type OwnerOf = (showId: string) => Promise<string | null>;

/**
 * Catalog applies the same rule as every context that shows an episode (see
 * `canSeeEpisode` in @wavegraph/events); the owner is looked up only for unpublished ones.
 * Callers answer NOT_FOUND for invisible episodes, so drafts never leak.
 */
export async function canSeeEpisode(viewer: Viewer | null, episode: Episode, ownerOf: OwnerOf): Promise<boolean> {
  if (episode.status === EpisodeStatus.PUBLISHED) return true;
  if (!viewer) return false;
  const owner = await ownerOf(episode.showId);
  return owner !== null && episodeRule(viewer, { status: episode.status, ownerId: owner });
}

import type { Viewer } from '@wavegraph/auth';
import { canManage } from '../common/policy';
import { EpisodeStatus, type Episode } from './episode.entity';

/** Looks up the owner of a show (null when the show does not exist). */
export type OwnerOf = (showId: string) => Promise<string | null>;

/**
 * Published episodes are public; anything else only for people who manage the show.
 * Callers answer NOT_FOUND for invisible episodes, so drafts never leak.
 */
export async function canSeeEpisode(viewer: Viewer | null, episode: Episode, ownerOf: OwnerOf): Promise<boolean> {
  if (episode.status === EpisodeStatus.PUBLISHED) return true;
  if (!viewer) return false;
  if (viewer.role === 'ADMIN' || viewer.role === 'EDITOR') return true;
  const owner = await ownerOf(episode.showId);
  return owner !== null && canManage(viewer, owner);
}

import { canManage } from '@wavegraph/auth';
import { appError, isUuid, markViewerDependent, visibilityOf, type Context, type VisibilityRule } from '@wavegraph/kit';
import type { GraphQLError, GraphQLResolveInfo } from 'graphql';
import type { DataSource } from 'typeorm';
import type { MediaServices } from '../services';

export type EpisodeAccess = 'PUBLIC' | 'PREMIUM';

/** Catalog's access of each known episode (known_episodes.access, from EpisodeSnapshot.access); unknown ones are absent. */
export async function accessOf(dataSource: DataSource, episodeIds: readonly string[]): Promise<Map<string, { access: EpisodeAccess; ownerId: string; showId: string }>> {
  const ids = episodeIds.filter(isUuid).map((id) => id.toLowerCase());
  if (!ids.length) return new Map();
  const rows: { episode_id: string; access: EpisodeAccess; owner_id: string; show_id: string }[] = await dataSource.query(
    'SELECT episode_id, access, owner_id, show_id FROM known_episodes WHERE episode_id = ANY($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((row) => [row.episode_id, { access: row.access, ownerId: row.owner_id, showId: row.show_id }]));
}

/**
 * Who may play an episode's media (signed URLs of its renditions, HLS and video variants, and
 * its transcript): everyone for a PUBLIC episode (the answer may be shared), and for a PREMIUM
 * one only PREMIUM listeners, its owner and staff. Whether the episode is visible at all is the
 * episode rule's business (episode.visibility.ts).
 */
export const episodePlayback: VisibilityRule<MediaServices> = {
  name: 'episode-playback',
  async visible(episodeIds, ctx) {
    const facts = await accessOf(ctx.services.dataSource, episodeIds);
    return episodeIds.map((id) => {
      const episode = facts.get(id.toLowerCase());
      if (!episode || episode.access === 'PUBLIC') return 'everyone';
      return ctx.viewer?.plan === 'PREMIUM' || canManage(ctx.viewer, episode.ownerId);
    });
  },
};

/** Whether the viewer may play the episode's media; an answer that depends on the viewer is not cached for others. */
export async function mayPlay(ctx: Context<MediaServices>, info: GraphQLResolveInfo | undefined, episodeId: string | null | undefined): Promise<boolean> {
  if (!episodeId) return true;
  const playback = await visibilityOf(ctx, episodePlayback, episodeId);
  if (playback !== 'everyone') markViewerDependent(info);
  return playback !== false;
}

/** What a listener who may not play a PREMIUM episode is told. */
export const premiumRequired = (): GraphQLError =>
  appError('FORBIDDEN', 'This episode is for Premium listeners', { reason: 'PREMIUM_REQUIRED' });

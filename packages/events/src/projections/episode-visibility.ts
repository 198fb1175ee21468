import { canManage, type Viewer } from '@wavegraph/auth';
import { isUuid, type VisibilityRule } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { PUBLISHED } from './known-catalog.entity';

/** What the rule needs to know of an episode: catalog's status and the show's owner. */
export interface EpisodeVisibilityFacts {
  status: string;
  ownerId: string;
}

/**
 * Catalog's rule, shared by every context that shows something of an episode: a published
 * episode is public; a draft, scheduled, archived or unpublished one exists only for the show's
 * owner and staff. Unknown episodes (null) are invisible: nothing is shown before catalog said so.
 */
export function canSeeEpisode(viewer: Viewer | null, episode: EpisodeVisibilityFacts | null | undefined): boolean {
  if (!episode) return false;
  return episode.status === PUBLISHED || canManage(viewer, episode.ownerId);
}

/** Reads `known_episodes` (the projection of catalog's episode events) for the rule. */
export class KnownEpisodeReader {
  constructor(private readonly dataSource: DataSource) {}

  async factsOf(episodeIds: readonly string[]): Promise<Map<string, EpisodeVisibilityFacts>> {
    const ids = episodeIds.filter(isUuid).map((id) => id.toLowerCase());
    if (!ids.length) return new Map();
    const rows: { episode_id: string; status: string; owner_id: string }[] = await this.dataSource.query(
      'SELECT episode_id, status, owner_id FROM known_episodes WHERE episode_id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.episode_id, { status: row.status, ownerId: row.owner_id }]));
  }
}

/**
 * The episode rule as a kit guard: one query on the local projection per request, for every
 * episode (and every object that follows one) the request shows.
 */
export function knownEpisodeVisibility<S>(readerOf: (services: S) => KnownEpisodeReader): VisibilityRule<S> {
  return {
    name: 'known-episode',
    async visible(episodeIds, ctx) {
      const facts = await readerOf(ctx.services).factsOf(episodeIds);
      return episodeIds.map((id) => {
        const episode = facts.get(id.toLowerCase());
        // a published episode is everyone's: what is shown of it may be cached for every viewer
        if (episode?.status === PUBLISHED) return 'everyone';
        return canSeeEpisode(ctx.viewer, episode);
      });
    },
  };
}

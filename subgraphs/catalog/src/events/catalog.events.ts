import { EpisodeSnapshot, recordEvent, ShowSnapshot, type EventContract } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { Episode } from '../episode/episode.entity';
import type { Show } from '../show/show.entity';

/** Records a show event carrying the show as it is after the change. */
export function recordShowEvent(tx: EntityManager, contract: EventContract<z.output<typeof ShowSnapshot>>, show: Show): Promise<string> {
  const { id, ownerId, slug, title, description, category, subcategory, language, artworkUrl, explicit, author, ownerEmail, showType, locked, people, podcastGuid } = show;
  return recordEvent(tx, contract, id, {
    showId: id, ownerId, slug, title, description, category, subcategory, language, artworkUrl, explicit, author, ownerEmail, showType, locked, people, podcastGuid,
  });
}

/** Records an episode event carrying the episode as it is after the change. */
export function recordEpisodeEvent(
  tx: EntityManager,
  contract: EventContract<z.output<typeof EpisodeSnapshot>>,
  episode: Episode,
  ownerId: string,
): Promise<string> {
  return recordEvent(tx, contract, episode.id, {
    episodeId: episode.id,
    showId: episode.showId,
    ownerId,
    title: episode.title,
    description: episode.description,
    seasonNumber: episode.seasonNumber,
    episodeNumber: episode.episodeNumber,
    status: episode.status,
    publishedAt: episode.publishedAt ? episode.publishedAt.toISOString() : null,
    episodeType: episode.episodeType,
    explicit: episode.explicit,
    guid: episode.guid ?? episode.id,
    people: episode.people,
    access: episode.access,
  });
}

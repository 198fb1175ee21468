import {
  EpisodeArchived, EpisodeCreated, EpisodePublished, EpisodeUnpublished, EpisodeUpdated, on,
  type EventEnvelope, type EventHandler, type PayloadOf,
} from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

type EpisodeSnapshot = PayloadOf<typeof EpisodePublished>;

/*
 * Every episode event carries the full episode, so each one replaces what we knew, unless we
 * already applied a later event of that episode (`position` is catalog's order): a redelivered
 * or overtaken older snapshot cannot bring back an owner or status catalog has left.
 */
async function upsertEpisode(event: EventEnvelope<EpisodeSnapshot>, tx: EntityManager): Promise<void> {
  const { episodeId, showId, ownerId, status } = event.payload;
  await tx.query(
    `INSERT INTO known_episodes (episode_id, show_id, owner_id, status, position) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (episode_id) DO UPDATE SET show_id = EXCLUDED.show_id, owner_id = EXCLUDED.owner_id,
       status = EXCLUDED.status, position = EXCLUDED.position
     WHERE known_episodes.position < EXCLUDED.position`,
    [episodeId, showId, ownerId, status, event.position],
  );
}

/** What media does with catalog's events: know which episodes exist and who owns them (uploads are theirs). */
export const knownEpisodeHandlers: readonly EventHandler[] = [EpisodeCreated, EpisodeUpdated, EpisodePublished, EpisodeUnpublished, EpisodeArchived].map(
  (contract) => on(contract, upsertEpisode),
);

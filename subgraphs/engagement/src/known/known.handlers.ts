import {
  EpisodeArchived, EpisodeCreated, EpisodePublished, EpisodeUnpublished, EpisodeUpdated, on, ShowCreated, ShowUpdated,
  type EventEnvelope, type EventHandler, type PayloadOf,
} from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

type EpisodeSnapshot = PayloadOf<typeof EpisodePublished>;
type ShowSnapshot = PayloadOf<typeof ShowCreated>;

/*
 * Every catalog event carries a full snapshot, so each one simply replaces what we knew,
 * unless we already applied a later event of that aggregate (`position` is the producer's
 * order): a redelivered or overtaken older snapshot cannot bring back a state catalog left.
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

async function upsertShow(event: EventEnvelope<ShowSnapshot>, tx: EntityManager): Promise<void> {
  const { showId, ownerId } = event.payload;
  await tx.query(
    `INSERT INTO known_shows (show_id, owner_id, position) VALUES ($1, $2, $3)
     ON CONFLICT (show_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, position = EXCLUDED.position
     WHERE known_shows.position < EXCLUDED.position`,
    [showId, ownerId, event.position],
  );
}

/** What engagement does with catalog's events: keep its picture of shows and episodes current. */
export const catalogHandlers: readonly EventHandler[] = [
  on(ShowCreated, upsertShow),
  on(ShowUpdated, upsertShow),
  ...[EpisodeCreated, EpisodeUpdated, EpisodePublished, EpisodeUnpublished, EpisodeArchived].map((contract) => on(contract, upsertEpisode)),
];

import { on, type EventHandler } from '../apply';
import type { PayloadOf } from '../contract';
import { EpisodeArchived, EpisodeCreated, EpisodePublished, EpisodeUnpublished, EpisodeUpdated, ShowCreated, ShowUpdated } from '../contracts';
import type { EventEnvelope } from '../envelope';
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

/** The same, with the episode's access too (a context that signs its media: its known_episodes has the `access` column). */
async function upsertEpisodeWithAccess(event: EventEnvelope<EpisodeSnapshot>, tx: EntityManager): Promise<void> {
  const { episodeId, showId, ownerId, status, access } = event.payload;
  await tx.query(
    `INSERT INTO known_episodes (episode_id, show_id, owner_id, status, access, position) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (episode_id) DO UPDATE SET show_id = EXCLUDED.show_id, owner_id = EXCLUDED.owner_id,
       status = EXCLUDED.status, access = EXCLUDED.access, position = EXCLUDED.position
     WHERE known_episodes.position < EXCLUDED.position`,
    [episodeId, showId, ownerId, status, access ?? 'PUBLIC', event.position],
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

/**
 * Keeps `known_episodes (episode_id, show_id, owner_id, status, position)` current from
 * catalog's episode events, for a context that must know which episodes exist, who owns them
 * and whether they are published, without asking catalog.
 */
const EPISODE_EVENTS = [EpisodeCreated, EpisodeUpdated, EpisodePublished, EpisodeUnpublished, EpisodeArchived];
export const knownEpisodeHandlers: readonly EventHandler[] = EPISODE_EVENTS.map((contract) => on(contract, upsertEpisode));

/** knownEpisodeHandlers keeping `access` (PUBLIC or PREMIUM) as well: see knownEpisodeAccessMigration. */
export const knownEpisodeHandlersWithAccess: readonly EventHandler[] = EPISODE_EVENTS.map((contract) => on(contract, upsertEpisodeWithAccess));

/** Keeps `known_shows (show_id, owner_id, position)` current from catalog's show events. */
export const knownShowHandlers: readonly EventHandler[] = [on(ShowCreated, upsertShow), on(ShowUpdated, upsertShow)];

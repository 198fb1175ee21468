import {
  EpisodeArchived,
  EpisodeCreated,
  EpisodePublished,
  EpisodeUnpublished,
  EpisodeUpdated,
  on,
  type EventEnvelope,
  type PayloadOf,
} from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

type EpisodeSnapshot = PayloadOf<typeof EpisodeCreated>;

/**
 * Every episode event carries the whole episode, so each one is an upsert guarded by position:
 * an unpublish followed by a late, older publish snapshot leaves the episode unpublished.
 * Rows stay after unpublish/archive (queries only see PUBLISHED) so the guard keeps working.
 */
export async function upsertEpisodeDoc(event: EventEnvelope<EpisodeSnapshot>, tx: EntityManager): Promise<void> {
  const e = event.payload;
  await tx.query(
    `INSERT INTO episode_docs AS d (episode_id, show_id, title, description, status, published_at, access, position, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (episode_id) DO UPDATE SET
       show_id = EXCLUDED.show_id, title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
       published_at = EXCLUDED.published_at, access = EXCLUDED.access, position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
     WHERE d.position < EXCLUDED.position`,
    [e.episodeId, e.showId, e.title, e.description, e.status, e.publishedAt, e.access ?? 'PUBLIC', event.position, event.occurredAt],
  );
}

export const episodeHandlers = [EpisodeCreated, EpisodeUpdated, EpisodePublished, EpisodeUnpublished, EpisodeArchived].map((contract) =>
  on(contract, upsertEpisodeDoc),
);

import { on, ShowCreated, ShowUpdated, type EventEnvelope, type PayloadOf } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

type ShowSnapshot = PayloadOf<typeof ShowCreated>;

/**
 * Stores the show as the snapshot says, unless a newer snapshot (higher position) is already
 * there: a late, older event must never undo a newer one.
 */
export async function upsertShowDoc(event: EventEnvelope<ShowSnapshot>, tx: EntityManager): Promise<void> {
  const s = event.payload;
  await tx.query(
    `INSERT INTO show_docs AS d (show_id, title, description, category, language, position, updated_at, subcategory)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (show_id) DO UPDATE SET
       title = EXCLUDED.title, description = EXCLUDED.description, category = EXCLUDED.category, subcategory = EXCLUDED.subcategory,
       language = EXCLUDED.language, position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
     WHERE d.position < EXCLUDED.position`,
    // a snapshot from before subcategories has none
    [s.showId, s.title, s.description, s.category, s.language, event.position, event.occurredAt, s.subcategory ?? null],
  );
}

export const showHandlers = [on(ShowCreated, upsertShowDoc), on(ShowUpdated, upsertShowDoc)];

import { on, TranscriptPublished, type EventEnvelope, type PayloadOf } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

type Transcript = PayloadOf<typeof TranscriptPublished>;

/**
 * Keeps the highest revision of each episode's transcript: the row is written only when the
 * incoming revision is higher (an older or redelivered event changes nothing), and its segments
 * are replaced in the same transaction. The row's lock orders two revisions applied at once.
 * No segments means the transcript was removed: the row stays, with its revision, so an older
 * event arriving later cannot bring the text back. Stored for any episode id, known or not:
 * search joins it with `episode_docs` when it answers. The whole text's vector comes from
 * `transcript_search_vector` (migration 1766100000000), which bounds it to what a tsvector holds.
 */
export async function storeTranscript(event: EventEnvelope<Transcript>, tx: EntityManager): Promise<void> {
  const t = event.payload;
  const written: unknown[] = await tx.query(
    `INSERT INTO episode_transcripts AS d (episode_id, revision, language, engine, segment_count, search, updated_at)
     VALUES ($1, $2, $3, $4, $5, transcript_search_vector($6), $7)
     ON CONFLICT (episode_id) DO UPDATE SET
       revision = EXCLUDED.revision, language = EXCLUDED.language, engine = EXCLUDED.engine,
       segment_count = EXCLUDED.segment_count, search = EXCLUDED.search, updated_at = EXCLUDED.updated_at
     WHERE d.revision < EXCLUDED.revision
     RETURNING episode_id`,
    [t.episodeId, t.revision, t.language, t.engine, t.segments.length, t.segments.map((s) => s.text).join('\n'), event.occurredAt],
  );
  if (written.length === 0) return;
  await tx.query('DELETE FROM transcript_segments WHERE episode_id = $1', [t.episodeId]);
  if (t.segments.length === 0) return;
  // one statement however long the episode: the segments travel as one JSON array
  await tx.query(
    `INSERT INTO transcript_segments (episode_id, seq, start_seconds, end_seconds, text, words)
     SELECT $1, s.seq, s.start_seconds, s.end_seconds, s.text, s.words
     FROM jsonb_to_recordset($2::jsonb) AS s(seq int, start_seconds float8, end_seconds float8, text text, words jsonb)`,
    [t.episodeId, JSON.stringify(t.segments.map((s, i) => ({ seq: i + 1, start_seconds: s.startSeconds, end_seconds: s.endSeconds, text: s.text, words: s.words ?? null })))],
  );
}

export const transcriptHandlers = [on(TranscriptPublished, storeTranscript)];

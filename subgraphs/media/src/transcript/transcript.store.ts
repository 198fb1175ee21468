import { recordEvent, TranscriptPublished, type PayloadOf } from '@wavegraph/events';
import type { DataSource, EntityManager } from 'typeorm';
import type { TranscriptSegment, TranscriptWord } from './engine.port';

type Db = DataSource | EntityManager;

/** What an episode is transcribed in until its creator says otherwise. */
export const DEFAULT_TRANSCRIPT_LANGUAGE = 'en-US';

export type TranscriptStatus = 'PENDING' | 'READY' | 'FAILED' | 'UNSUPPORTED';

export interface TranscriptFiles {
  vttKey: string;
  srtKey: string;
  jsonKey: string;
}

export interface TranscriptRow {
  asset_id: string;
  episode_id: string;
  language: string;
  engine: string;
  status: TranscriptStatus;
  reason: string | null;
  revision: number;
  vtt_key: string | null;
  srt_key: string | null;
  json_key: string | null;
  updated_at: Date;
}

export interface SegmentRow {
  position: number;
  start_seconds: number;
  end_seconds: number;
  text: string;
  speaker: string | null;
  words: TranscriptWord[];
}

export async function episodeLanguage(db: Db, episodeId: string): Promise<string> {
  const rows: { language: string | null }[] = await db.query('SELECT language FROM media_episode_transcripts WHERE episode_id = $1', [episodeId]);
  return rows[0]?.language ?? DEFAULT_TRANSCRIPT_LANGUAGE;
}

export async function setEpisodeLanguage(tx: EntityManager, episodeId: string, language: string): Promise<void> {
  await tx.query(
    `INSERT INTO media_episode_transcripts (episode_id, language) VALUES ($1, $2)
     ON CONFLICT (episode_id) DO UPDATE SET language = EXCLUDED.language`,
    [episodeId, language],
  );
}

/** The episode's next revision; the row lock it takes orders concurrent changes of one episode. */
async function nextRevision(tx: EntityManager, episodeId: string): Promise<number> {
  const rows: { revision: number }[] = await tx.query(
    `INSERT INTO media_episode_transcripts (episode_id, revision) VALUES ($1, 1)
     ON CONFLICT (episode_id) DO UPDATE SET revision = media_episode_transcripts.revision + 1
     RETURNING revision`,
    [episodeId],
  );
  return rows[0].revision;
}

export interface TranscriptChange {
  assetId: string;
  episodeId: string;
  ownerId: string;
  language: string;
  engine: string;
  status: TranscriptStatus;
  reason?: string | null;
  segments: readonly TranscriptSegment[];
  files: TranscriptFiles | null;
}

/**
 * Replaces the asset's transcript (row and segments) and records TranscriptPublished, in the
 * caller's transaction. A transcript that is not READY publishes no segments: whatever the
 * episode's index held is gone. Returns the new revision.
 */
export async function saveTranscript(tx: EntityManager, change: TranscriptChange): Promise<number> {
  const revision = await nextRevision(tx, change.episodeId);
  const segments = change.status === 'READY' ? change.segments : [];
  await tx.query(
    `INSERT INTO media_transcripts (asset_id, episode_id, language, engine, status, reason, revision, vtt_key, srt_key, json_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (asset_id) DO UPDATE SET language = EXCLUDED.language, engine = EXCLUDED.engine, status = EXCLUDED.status,
       reason = EXCLUDED.reason, revision = EXCLUDED.revision, vtt_key = EXCLUDED.vtt_key, srt_key = EXCLUDED.srt_key,
       json_key = EXCLUDED.json_key, updated_at = now()`,
    [change.assetId, change.episodeId, change.language, change.engine, change.status, change.reason ?? null, revision,
      change.files?.vttKey ?? null, change.files?.srtKey ?? null, change.files?.jsonKey ?? null],
  );
  await tx.query('DELETE FROM media_transcript_segments WHERE asset_id = $1', [change.assetId]);
  if (segments.length) {
    // one statement however long the episode: the segments travel as one JSON array
    await tx.query(
      `INSERT INTO media_transcript_segments (asset_id, position, start_seconds, end_seconds, text, speaker, words)
       SELECT $1, s.position, s.start_seconds, s.end_seconds, s.text, s.speaker, s.words
         FROM jsonb_to_recordset($2::jsonb) AS s(position int, start_seconds float8, end_seconds float8, text text, speaker text, words jsonb)`,
      [change.assetId, JSON.stringify(segments.map((s, position) => ({ position, start_seconds: s.start, end_seconds: s.end, text: s.text, speaker: s.speaker ?? null, words: s.words })))],
    );
  }
  await tx.query(
    `UPDATE media_assets SET outputs = outputs || jsonb_build_object('transcript', $2::jsonb), updated_at = now() WHERE id = $1`,
    [change.assetId, JSON.stringify({ status: change.status, ...(change.files ?? {}) })],
  );
  await recordEvent(tx, TranscriptPublished, change.episodeId, {
    episodeId: change.episodeId,
    ownerId: change.ownerId,
    revision,
    language: change.language,
    engine: change.engine,
    segments: eventSegments(segments),
  });
  return revision;
}

/** Segments as TranscriptPublished carries them: with each word's start, so a search hit can point at the word. */
function eventSegments(segments: readonly TranscriptSegment[]): PayloadOf<typeof TranscriptPublished>['segments'] {
  return segments.map((s) => ({
    startSeconds: s.start,
    endSeconds: s.end,
    text: s.text,
    ...(s.words.length ? { words: s.words.map((w) => ({ text: w.text, startSeconds: w.start })) } : {}),
  }));
}

/** Marks a transcript as being made again (a new language); readers keep the old text's files meanwhile, no event. */
export async function markPending(tx: EntityManager, assetId: string, language: string): Promise<void> {
  await tx.query("UPDATE media_transcripts SET status = 'PENDING', language = $2, reason = NULL, updated_at = now() WHERE asset_id = $1", [assetId, language]);
}

export function transcriptsOf(db: Db, assetIds: readonly string[]): Promise<TranscriptRow[]> {
  return db.query(
    `SELECT asset_id, episode_id, language, engine, status, reason, revision, vtt_key, srt_key, json_key, updated_at
       FROM media_transcripts WHERE asset_id = ANY($1::uuid[])`,
    [assetIds],
  );
}

export async function transcriptOf(db: Db, assetId: string, lock = false): Promise<TranscriptRow | null> {
  const rows: TranscriptRow[] = await db.query(
    `SELECT asset_id, episode_id, language, engine, status, reason, revision, vtt_key, srt_key, json_key, updated_at
       FROM media_transcripts WHERE asset_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [assetId],
  );
  return rows[0] ?? null;
}

/** Segments in order from `afterPosition` (exclusive), at most `limit`. */
export function segmentsOf(db: Db, assetId: string, afterPosition: number, limit: number): Promise<SegmentRow[]> {
  return db.query(
    `SELECT position, start_seconds, end_seconds, text, speaker, words FROM media_transcript_segments
      WHERE asset_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
    [assetId, afterPosition, limit],
  );
}

export async function allSegments(db: Db, assetId: string): Promise<TranscriptSegment[]> {
  const rows = await segmentsOf(db, assetId, -1, 2 ** 31 - 1);
  return rows.map((r) => ({ start: r.start_seconds, end: r.end_seconds, text: r.text, speaker: r.speaker, words: r.words }));
}

/**
 * After media was deleted: the episode's transcript is now that of its newest READY media
 * (or none), and TranscriptPublished says so, so no reader keeps words nobody can play.
 * Does nothing when the deleted media had no transcript.
 */
export async function republishAfterDeletion(tx: EntityManager, deletedAssetId: string): Promise<void> {
  const deleted = await transcriptOf(tx, deletedAssetId);
  if (!deleted) return;
  const [current] = (await tx.query(
    `SELECT t.asset_id, t.language, t.engine, t.status, a.owner_id FROM media_transcripts t JOIN media_assets a ON a.id = t.asset_id
      WHERE t.episode_id = $1 AND a.status = 'READY' ORDER BY a.created_at DESC, a.id DESC LIMIT 1`,
    [deleted.episode_id],
  )) as { asset_id: string; language: string; engine: string; status: TranscriptStatus; owner_id: string }[];
  const [asset] = (await tx.query('SELECT owner_id FROM media_assets WHERE id = $1', [deletedAssetId])) as { owner_id: string }[];
  const revision = await nextRevision(tx, deleted.episode_id);
  const segments = current?.status === 'READY' ? await allSegments(tx, current.asset_id) : [];
  if (current) await tx.query('UPDATE media_transcripts SET revision = $2 WHERE asset_id = $1', [current.asset_id, revision]);
  await recordEvent(tx, TranscriptPublished, deleted.episode_id, {
    episodeId: deleted.episode_id,
    ownerId: current?.owner_id ?? asset.owner_id,
    revision,
    language: current?.language ?? deleted.language,
    engine: current?.engine ?? deleted.engine,
    segments: eventSegments(segments),
  });
}

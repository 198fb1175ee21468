import { canManage, type Viewer } from '@wavegraph/auth';
import { appError, badInput, conflict, forbidden, type Logger, requireUuid, serviceUnavailable, unauthenticated } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { episodeUnknown } from '../common/errors';
import type { ProcessingStarter } from '../processing/processing.port';
import type { Retirement } from '../storage/retired';
import type { MediaStorage } from '../storage/storage.port';
import type { TranscriptSegment } from './engine.port';
import { round, spreadWords } from './segmenting';
import { parseTranscriptFile, TranscriptFileError, type TranscriptFormat } from './transcript.formats';
import { newTranscriptKeys, putTranscriptFiles, replacedTranscriptFolder } from './transcript.files';
import { allSegments, episodeLanguage, markPending, saveTranscript, setEpisodeLanguage, transcriptOf, type TranscriptRow } from './transcript.store';
import { transcriptOfRow, type Transcript, type TranscriptSegmentEdit } from './transcript.types';

/** An uploaded file larger than this is no transcript of an episode (10 hours of dense captions is ~2 MB). */
export const MAX_TRANSCRIPT_CHARS = 4_000_000;
/** TranscriptPublished carries at most this many segments. */
export const MAX_SEGMENTS = 20_000;
const MAX_SEGMENT_TEXT = 10_000;
/** Captions made elsewhere often end a few frames past the audio. */
const DURATION_SLACK_SECONDS = 0.5;

interface TargetAsset {
  id: string;
  episode_id: string;
  owner_id: string;
  status: string;
  duration_seconds: number | null;
}

/** BCP 47, canonical casing (en-us → en-US); anything else is bad input. */
export function canonicalLanguage(language: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(language.trim());
    if (canonical && canonical.length <= 35) return canonical;
  } catch {
    // refused below
  }
  throw badInput('language must be a BCP 47 tag such as en-US', 'language');
}

/** Ordered, each one forward in time, all inside the media: what players and search rely on. */
export function checkTimeline(segments: readonly TranscriptSegment[], durationSeconds: number, what = 'segment'): void {
  if (segments.length > MAX_SEGMENTS) throw badInput(`A transcript has at most ${MAX_SEGMENTS} segments`, 'segments');
  segments.forEach((s, i) => {
    const name = `${what} ${i}`;
    if (!s.text.trim()) throw badInput(`${name} has no text`, 'text');
    if (s.text.length > MAX_SEGMENT_TEXT) throw badInput(`${name} is longer than ${MAX_SEGMENT_TEXT} characters`, 'text');
    if (!(s.start >= 0) || !(s.end > s.start)) throw badInput(`${name} must end after it starts (${s.start} → ${s.end} s)`, 'startSeconds');
    if (s.end > durationSeconds + DURATION_SLACK_SECONDS) throw badInput(`${name} ends at ${s.end} s, after the media's end (${durationSeconds} s)`, 'endSeconds');
    if (i > 0 && s.start < segments[i - 1].start) throw badInput(`${name} starts before the one it follows`, 'startSeconds');
  });
}

/** What owners and staff do to an episode's transcript: replace it with a file, edit segments, change its language. */
export class TranscriptService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: MediaStorage,
    private readonly retirement: Retirement,
    private readonly starter: ProcessingStarter,
    private readonly log: Logger,
  ) {}

  async replace(viewer: Viewer | null, episodeId: string, format: TranscriptFormat, content: string, language?: string | null): Promise<Transcript> {
    const id = this.requireSignedIn(viewer, episodeId);
    if (content.length > MAX_TRANSCRIPT_CHARS) throw badInput(`The file is larger than ${MAX_TRANSCRIPT_CHARS} characters`, 'content');
    const chosen = language ? canonicalLanguage(language) : null;
    let segments: TranscriptSegment[];
    try {
      segments = parseTranscriptFile(content, format);
    } catch (error) {
      if (!(error instanceof TranscriptFileError)) throw error;
      throw appError('BAD_USER_INPUT', `Malformed ${format === 'VTT' ? 'WebVTT' : 'SRT'} file, ${error.message}`, { field: 'content', line: error.line });
    }
    return this.change(viewer as Viewer, id, async (tx, asset, current) => {
      checkTimeline(segments, asset.duration_seconds ?? 0, 'cue');
      return { segments, engine: 'upload', language: chosen ?? current?.language ?? (await episodeLanguage(tx, asset.episode_id)) };
    });
  }

  async edit(viewer: Viewer | null, episodeId: string, edits: readonly TranscriptSegmentEdit[]): Promise<Transcript> {
    const id = this.requireSignedIn(viewer, episodeId);
    if (!edits.length) throw badInput('Name at least one segment to edit', 'edits');
    if (new Set(edits.map((e) => e.position)).size !== edits.length) throw badInput('Each segment may be edited once per request', 'edits');
    return this.change(viewer as Viewer, id, async (tx, asset, current) => {
      if (current?.status !== 'READY') throw conflict('There is no READY transcript to edit', 'episodeId');
      const segments = await allSegments(tx, asset.id);
      for (const edit of edits) {
        const segment = segments[edit.position];
        if (!segment) throw badInput(`There is no segment ${edit.position}`, 'position');
        segments[edit.position] = edited(segment, edit);
      }
      checkTimeline(segments, asset.duration_seconds ?? 0);
      return { segments, engine: 'edited', language: current.language };
    });
  }

  /** Stores the episode's language; READY media is transcribed again in it (it stays playable meanwhile). Null: nothing transcribed yet. */
  async setLanguage(viewer: Viewer | null, episodeId: string, language: string): Promise<Transcript | null> {
    const id = this.requireSignedIn(viewer, episodeId);
    const chosen = canonicalLanguage(language);
    const asset = await this.dataSource.transaction(async (tx) => {
      const target = await this.target(tx, viewer as Viewer, id, false);
      await setEpisodeLanguage(tx, id, chosen);
      if (target?.status !== 'READY') return null;
      await markPending(tx, target.id, chosen);
      await tx.query(
        `INSERT INTO media_steps (asset_id, step) VALUES ($1, 'transcribe')
         ON CONFLICT (asset_id, step) DO UPDATE SET status = 'PENDING', progress = 0, reason = NULL, started_at = NULL, finished_at = NULL`,
        [target.id],
      );
      await tx.query(`UPDATE media_assets SET outputs = jsonb_set(outputs, '{transcript,status}', '"PENDING"') WHERE id = $1 AND outputs ? 'transcript'`, [target.id]);
      return target;
    });
    if (!asset) return null;
    try {
      await this.starter.transcribe(asset.id);
    } catch (error) {
      // committed and idempotent: asking again queues it again
      this.log.error({ err: error, assetId: asset.id }, 'could not queue transcription');
      throw serviceUnavailable();
    }
    const row = await transcriptOf(this.dataSource, asset.id);
    return row ? transcriptOfRow(row, true) : null;
  }

  /**
   * One change: in a transaction holding the media row, the new segments are decided, their
   * files written under a fresh folder and the rows and event saved; the replaced files go
   * after the commit, the new ones if it fails. Bad input is refused before anything is written.
   */
  private async change(
    viewer: Viewer,
    episodeId: string,
    decide: (tx: EntityManager, asset: TargetAsset, current: TranscriptRow | null) => Promise<{ segments: TranscriptSegment[]; engine: string; language: string }>,
  ): Promise<Transcript> {
    let written: string | null = null;
    try {
      const { assetId, replaced } = await this.dataSource.transaction(async (tx) => {
        const asset = (await this.target(tx, viewer, episodeId, true)) as TargetAsset;
        const current = await transcriptOf(tx, asset.id, true);
        const { segments, engine, language } = await decide(tx, asset, current);
        const keys = newTranscriptKeys(asset.id);
        written = keys.vttKey.slice(0, keys.vttKey.lastIndexOf('/') + 1);
        await putTranscriptFiles(this.storage, segments, keys);
        await saveTranscript(tx, { assetId: asset.id, episodeId: asset.episode_id, ownerId: asset.owner_id, language, engine, status: 'READY', segments, files: keys });
        return { assetId: asset.id, replaced: current };
      });
      written = null;
      await this.retirement.retire(replacedTranscriptFolder(replaced)).catch((error: unknown) => this.log.warn({ err: error, assetId }, 'old transcript files not retired'));
      return transcriptOfRow((await transcriptOf(this.dataSource, assetId)) as TranscriptRow, true);
    } finally {
      if (written) await this.storage.deletePrefix(written).catch(() => undefined);
    }
  }

  /**
   * The media the transcript belongs to: the episode's newest not deleted (what its owner sees
   * as Episode.media), locked. Only its owner and staff change it; others learn only what they
   * could see anyway.
   */
  private async target(tx: EntityManager, viewer: Viewer, episodeId: string, ready: boolean): Promise<TargetAsset | null> {
    const [asset] = (await tx.query(
      `SELECT id, episode_id, owner_id, status, duration_seconds FROM media_assets
        WHERE episode_id = $1 AND status <> 'DELETED' ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`,
      [episodeId],
    )) as TargetAsset[];
    const [known] = (await tx.query('SELECT owner_id, status FROM known_episodes WHERE episode_id = $1', [episodeId])) as { owner_id: string; status: string }[];
    const owner = asset?.owner_id ?? known?.owner_id;
    if (!owner) throw episodeUnknown();
    if (!canManage(viewer, owner)) {
      if (known?.status === 'PUBLISHED') throw forbidden("Only the episode's owner, an editor or an admin can change its transcript");
      throw episodeUnknown();
    }
    if (!ready) return asset ?? null;
    if (!asset) throw conflict('The episode has no media yet', 'episodeId');
    if (asset.status !== 'READY') throw conflict(`The episode's media is ${asset.status}, not READY`, 'episodeId');
    return asset;
  }

  private requireSignedIn(viewer: Viewer | null, episodeId: string): string {
    if (!viewer) throw unauthenticated();
    return requireUuid('episodeId', episodeId).toLowerCase();
  }
}

/** New text: words spread over the (new) times; times alone: the words move and stretch with them. */
function edited(segment: TranscriptSegment, edit: TranscriptSegmentEdit): TranscriptSegment {
  const start = round(edit.startSeconds ?? segment.start);
  const end = round(edit.endSeconds ?? segment.end);
  if (edit.text !== undefined && edit.text !== null) {
    const text = edit.text.trim().replace(/\s+/g, ' ');
    return { ...segment, start, end, text, words: spreadWords(text, start, end) };
  }
  const scale = segment.end > segment.start ? (end - start) / (segment.end - segment.start) : 0;
  const moved = (t: number) => round(start + (t - segment.start) * scale);
  return { ...segment, start, end, words: segment.words.map((w) => ({ ...w, start: moved(w.start), end: moved(w.end) })) };
}

import { createHash } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import type { Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { SubgraphError } from '../api/signed-graphql';
import { FetchFailure, type FetchPolicy } from '../fetch/safe-fetch';
import type { ChapterInput, MediaClient } from '../media/media.client';
import { FeedSource, IngestItem, type ExtrasWarnings } from '../source/source.entity';
import { chaptersFromJson, ChaptersJsonError } from './chapters.json';
import { fetchSmallFile } from './extras.fetch';
import { transcriptJsonToVtt, TranscriptJsonError } from './transcript.json';

export interface ExtrasImporterDeps {
  dataSource: DataSource;
  media: MediaClient;
  /** maxBytes: INGEST_MAX_EXTRAS_BYTES (2 MiB). */
  policy: FetchPolicy;
  userAgent: string;
  /** Called once an item's transcript and chapters ended, either way: its IngestJob may be done. */
  settled(ingestJobId: string): Promise<void>;
  log: Logger;
}

/** Worth another try later: media does not know the episode yet, its media is not READY yet, or something was away. */
class NotYet extends Error {}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const transcriptKeyOf = (type: string, url: string): string => `${type} ${url}`;

/** What a failure means for the hand-off: wait and try again, or a warning on the job. */
function judged(error: unknown): NotYet | string {
  if (error instanceof NotYet) return error;
  if (error instanceof FetchFailure) return error.transient ? new NotYet(error.message) : error.message;
  if (error instanceof ChaptersJsonError || error instanceof TranscriptJsonError) return error.message;
  if (error instanceof SubgraphError) return error.transient || error.code === 'NOT_FOUND' || error.code === 'CONFLICT' ? new NotYet(error.message) : `media refused it: ${error.message}`;
  // a bug or the database away: tried again, and never left pending for good (the last try warns)
  return new NotYet('unexpected error');
}

/**
 * One item's podcast:transcript and podcast:chapters into media, through its public API as the
 * feed's owner: chapters at once (media takes them before the media is processed), the transcript
 * once the episode's media is READY (replaceTranscript refuses it before). Until then the job is
 * thrown back to the queue, which tries again with a growing, capped delay for a bounded number
 * of attempts; the last one records a warning. A file that is missing, malformed or too big is a
 * warning straight away. Neither ever fails the episode's import. Content equal to what was sent
 * before (by hash) is not sent again.
 */
export class ExtrasImporter {
  constructor(private readonly deps: ExtrasImporterDeps) {}

  async import(sourceId: string, guid: string, lastAttempt: boolean): Promise<void> {
    const items = this.deps.dataSource.getRepository(IngestItem);
    const item = await items.findOneBy({ sourceId, guid });
    if (!item || item.extrasEnded) {
      if (item?.extrasJobId) await this.deps.settled(item.extrasJobId);
      return;
    }
    const source = await this.deps.dataSource.getRepository(FeedSource).findOneByOrFail({ id: sourceId });
    const viewer: Viewer = { id: source.ownerId, role: source.ownerRole as Viewer['role'], plan: source.ownerPlan as Viewer['plan'] };
    const warnings: ExtrasWarnings = { ...item.extrasWarnings };
    let waiting: NotYet | null = null;
    const step = async (kind: keyof ExtrasWarnings, wanted: boolean, run: () => Promise<void>) => {
      if (!wanted || warnings[kind]) return;
      try {
        await run();
      } catch (error) {
        const outcome = judged(error);
        if (outcome instanceof NotYet && outcome.message === 'unexpected error') this.deps.log.error({ err: error, sourceId, guid, kind }, 'transcript or chapters hand-off failed');
        if (typeof outcome === 'string') warnings[kind] = outcome.slice(0, 500);
        else if (lastAttempt) warnings[kind] = `gave up waiting: ${outcome.message}`.slice(0, 500);
        else waiting = outcome;
      }
    };
    await step('chapters', item.chaptersUrl !== null && item.chaptersUrl !== item.chaptersSent, () => this.chapters(viewer, item));
    const transcriptKey = item.transcriptUrl && item.transcriptType ? transcriptKeyOf(item.transcriptType, item.transcriptUrl) : null;
    await step('transcript', transcriptKey !== null && transcriptKey !== item.transcriptSent, () => this.transcript(viewer, item, transcriptKey as string));
    await items.update({ sourceId, guid }, { extrasWarnings: warnings, ...(waiting === null && { extrasEnded: true }) });
    if (waiting) throw waiting;
    if (item.extrasJobId) await this.deps.settled(item.extrasJobId);
  }

  private async chapters(viewer: Viewer, item: IngestItem): Promise<void> {
    const url = item.chaptersUrl as string;
    let chapters = chaptersFromJson(await fetchSmallFile(url, this.deps.policy, this.deps.userAgent, 'application/json+chapters, application/json;q=0.9'));
    if (!chapters.length) throw new ChaptersJsonError('the chapters file has no usable chapter');
    const hash = sha256(JSON.stringify(chapters));
    if (hash !== item.chaptersHash) chapters = await this.sendChapters(viewer, item.episodeId, chapters);
    await this.deps.dataSource.getRepository(IngestItem).update({ sourceId: item.sourceId, guid: item.guid }, { chaptersSent: url, chaptersHash: hash });
  }

  /**
   * Media checks chapters against the READY media too (none may start at or after its end), which
   * the file cannot know: the chapter it names and those after it are left out, and the rest sent.
   */
  private async sendChapters(viewer: Viewer, episodeId: string, chapters: ChapterInput[]): Promise<ChapterInput[]> {
    for (;;) {
      try {
        await this.deps.media.setEpisodeChapters(viewer, episodeId, chapters);
        return chapters;
      } catch (error) {
        const at = error instanceof SubgraphError && error.code === 'BAD_USER_INPUT' ? Number(error.extensions.chapter) : Number.NaN;
        if (!Number.isInteger(at) || at < 2 || at > chapters.length || !/startSeconds$/.test(error instanceof SubgraphError ? error.field ?? '' : '')) throw error;
        this.deps.log.info({ episodeId, kept: at - 1, of: chapters.length }, 'chapters past the end of the media left out');
        chapters = chapters.slice(0, at - 1);
      }
    }
  }

  private async transcript(viewer: Viewer, item: IngestItem, key: string): Promise<void> {
    if (item.mediaError !== null) throw new FetchFailure(`there is no media to attach it to (the enclosure was not imported: ${item.mediaError})`, false);
    const type = item.transcriptType as string;
    const accept = type === 'VTT' ? 'text/vtt' : type === 'SRT' ? 'application/x-subrip, application/srt, text/srt' : 'application/json';
    const content = await fetchSmallFile(item.transcriptUrl as string, this.deps.policy, this.deps.userAgent, `${accept}, */*;q=0.1`);
    const format = type === 'SRT' ? 'SRT' : 'VTT';
    const file = type === 'JSON' ? transcriptJsonToVtt(content) : content;
    const hash = sha256(`${format}\n${file}`);
    if (hash !== item.transcriptHash) {
      try {
        await this.deps.media.replaceTranscript(viewer, item.episodeId, format, file, item.transcriptLanguage);
      } catch (error) {
        // a language tag media does not take: the transcript is as good in the episode's language
        if (!(error instanceof SubgraphError && error.field === 'language' && item.transcriptLanguage)) throw error;
        await this.deps.media.replaceTranscript(viewer, item.episodeId, format, file, null);
      }
    }
    await this.deps.dataSource.getRepository(IngestItem).update({ sourceId: item.sourceId, guid: item.guid }, { transcriptSent: key, transcriptHash: hash });
  }
}

import { createHash, randomBytes } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { IngestCompleted, IngestFailed, recordEvent } from '@wavegraph/events';
import type { Logger } from '@wavegraph/kit';
import { In, type DataSource } from 'typeorm';
import { importInChunks } from '../catalog/catalog.batches';
import { CatalogError, type CatalogClient, type EpisodeInput, type ShowInput } from '../catalog/catalog.client';
import { fetchFeed, FetchFailure, type FetchPolicy } from '../fetch/safe-fetch';
import { transcriptKeyOf } from '../extras/extras.importer';
import { parseFeedXml } from '../feed/feed.parse';
import { FeedParseError, type FeedItem, type ParsedFeed } from '../feed/feed.types';
import { FeedSource, IngestItem } from '../source/source.entity';
import { FINISHED, IngestJob, IngestStatus, MAX_ITEM_ERRORS, type IngestItemError } from './job.entity';

const OPEN = [IngestStatus.QUEUED, IngestStatus.FETCHING, IngestStatus.IMPORTING, IngestStatus.DOWNLOADING];
import type { ProgressPublisher } from './job.progress';

/** Hands an imported item's enclosure to media (downloads run on their own queue). */
export interface EnclosureHandOff {
  enqueue(ingestJobId: string, sourceId: string, guid: string): Promise<void>;
}

export interface RunnerDeps {
  dataSource: DataSource;
  catalog: CatalogClient;
  fetchPolicy: FetchPolicy;
  userAgent: string;
  publish: ProgressPublisher;
  log: Logger;
  /** Unset: enclosures are not downloaded (INGEST_DOWNLOAD_ENCLOSURES=false). */
  enclosures?: EnclosureHandOff;
  /** Hands an item's transcript and chapters to media (with enclosures; same signature). */
  extras?: EnclosureHandOff;
  /** Known episodes updated in catalog at once (INGEST_CATALOG_CONCURRENCY, default 4); new ones go 100 per importEpisodes call. */
  catalogConcurrency?: number;
}

/**
 * Maps `items` with at most `limit` calls in flight, results in input order. Ten lines, so not a
 * dependency (p-limit's maintained versions ship ESM only, which this CommonJS build cannot require).
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** A failure that must not be retried (the feed is gone, malformed, refused). */
class JobFailure extends Error {
  constructor(message: string, readonly httpStatus?: number) {
    super(message);
  }
}

const MAX_REASONS = 100;
const hashOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const episodeInputOf = ({ title, description, seasonNumber, episodeNumber, explicit, episodeType, people }: FeedItem): EpisodeInput => ({
  title, description, seasonNumber, episodeNumber, explicit, episodeType, people,
});
const showInputOf = ({ title, description, category, subcategory, language, artworkUrl, explicit, author, showType, people }: ParsedFeed): ShowInput => ({
  title, description, category, subcategory, language, artworkUrl, explicit, author, showType, people,
});

export function slugOf(title: string): string {
  const base = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return base.length >= 3 ? base : `show-${base || 'imported'}`.replace(/-+$/, '');
}

/**
 * Runs one IngestJob: conditional fetch, parse, the show and each new or changed item through
 * catalog's API (deduped by guid in ingest's own map), then COMPLETED or FAILED with its event in
 * the same transaction. A run that is retried (a transient failure) starts over safely: items
 * already mapped are not created twice.
 */
export class IngestRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** Throws (for BullMQ to retry) only on a transient failure with attempts left. */
  async run(jobId: string, lastAttempt: boolean): Promise<void> {
    const { dataSource } = this.deps;
    const job = await dataSource.getRepository(IngestJob).findOneBy({ id: jobId });
    if (!job || FINISHED.has(job.status)) return;
    const source = await dataSource.getRepository(FeedSource).findOneByOrFail({ id: job.sourceId });
    try {
      await this.importInto(job, source);
    } catch (error) {
      if (error instanceof JobFailure) return this.fail(job, source, error.message, error.httpStatus);
      const transient = (error instanceof FetchFailure && error.transient) || (error instanceof CatalogError && error.transient);
      if (transient && !lastAttempt) {
        this.deps.log.warn({ jobId, err: error }, 'ingest run failed; retried later');
        throw error;
      }
      const reason = error instanceof FetchFailure || error instanceof CatalogError ? error.message : 'unexpected error';
      if (!(error instanceof FetchFailure || error instanceof CatalogError)) this.deps.log.error({ jobId, err: error }, 'ingest run failed');
      await this.fail(job, source, reason, error instanceof FetchFailure ? error.httpStatus : undefined);
    }
  }

  private async save(job: IngestJob, changes: Partial<IngestJob>): Promise<void> {
    Object.assign(job, changes);
    await this.deps.dataSource.getRepository(IngestJob).update({ id: job.id }, changes);
    await this.deps.publish(job.id);
  }

  private async importInto(job: IngestJob, source: FeedSource): Promise<void> {
    const { dataSource } = this.deps;
    await this.save(job, { status: IngestStatus.FETCHING, startedAt: job.startedAt ?? new Date(), progress: 0.05 });
    const viewer: Viewer = { id: source.ownerId, role: source.ownerRole as Viewer['role'], plan: source.ownerPlan as Viewer['plan'] };
    // validators count only once a show exists: a first import always reads the whole feed
    const known = source.showId ? { etag: source.etag, lastModified: source.lastModified } : { etag: null, lastModified: null };
    let fetched;
    try {
      fetched = await fetchFeed(source.feedUrl, known, this.deps.fetchPolicy, this.deps.userAgent);
    } catch (error) {
      if (error instanceof FetchFailure && !error.transient) throw new JobFailure(error.message, error.httpStatus);
      throw error;
    }
    if (fetched.movedTo && fetched.movedTo !== source.feedUrl) await this.move(job, source, fetched.movedTo);
    if (fetched.status === 'not-modified') {
      return this.complete(job, source, { reason: 'not modified since the last poll (HTTP 304)', showHash: source.showHash });
    }
    let feed: ParsedFeed;
    try {
      feed = parseFeedXml(fetched.body.toString('utf8'));
    } catch (error) {
      if (error instanceof FeedParseError) throw new JobFailure(error.message);
      throw error;
    }
    // Podcasting 2.0: a locked feed's owner asks every other platform to refuse importing it
    if (feed.locked) throw new JobFailure('the feed is locked (podcast:locked is yes): its owner must unlock it at its current host before moving it');
    await this.save(job, { status: IngestStatus.IMPORTING, progress: 0.1, found: feed.items.length + feed.skipped.length });

    const show = showInputOf(feed);
    const showHash = hashOf(show);
    if (!source.showId) {
      source.showId = await this.createShow(viewer, show);
      await dataSource.getRepository(FeedSource).update({ id: source.id }, { showId: source.showId, showHash });
      await this.save(job, { showId: source.showId });
    } else if (source.showHash !== showHash) {
      await this.catalogStep(() => this.deps.catalog.updateShow(viewer, source.showId as string, show));
    }
    if (!job.showId) await this.save(job, { showId: source.showId });

    const errors: IngestItemError[] = feed.skipped.map((s) => ({ item: s.item, reason: s.reason, skipped: true }));
    let created = 0;
    let updated = 0;
    let failed = 0;
    let downloads = 0;
    const items = dataSource.getRepository(IngestItem);
    const mapped = new Map<string, IngestItem>();
    for (let at = 0; at < feed.items.length; at += 1000) {
      const guids = feed.items.slice(at, at + 1000).map((item) => item.guid);
      for (const row of await items.findBy({ sourceId: source.id, guid: In(guids) })) mapped.set(row.guid, row);
    }
    const total = feed.items.length;
    // one save at a time, in order: lanes finishing together never move progress backwards
    let reporting = Promise.resolve();
    const report = (done: number, from: number, span: number): Promise<void> => {
      if (done % 25 !== 0 && done !== total) return reporting;
      const changes = { progress: from + span * (done / total), created, updated, failed };
      reporting = reporting.then(() => this.save(job, changes));
      return reporting;
    };
    // new items in batches (catalog's publishedAt is the feed's date, so their order is the feed's);
    // edits of known ones at once (catalog orders nothing by them)
    const rows = new Map<string, IngestItem>();
    const fresh = feed.items.filter((item) => !mapped.has(item.guid));
    const batches = await importInChunks(this.deps.catalog, viewer, source.showId as string, fresh, episodeInputOf, async (imported, done) => {
      const chunkRows = imported.map(({ item, row }) => items.create({
        sourceId: source.id, guid: item.guid, episodeId: row.episodeId,
        // an episode catalog already had (a run cut short before mapping it) is brought up to date by the next poll
        contentHash: row.created ? hashOf(episodeInputOf(item)) : '',
        enclosureUrl: item.enclosure?.url ?? null, published: row.published, mediaHandedOff: false, mediaJobId: null, mediaError: null, pubDate: item.pubDate,
      }));
      if (chunkRows.length) await items.insert(chunkRows);
      for (const row of chunkRows) rows.set(row.guid, row);
      created += imported.filter(({ row }) => row.created).length;
      await report(done, 0.1, 0.4);
    });
    for (const { item, reason } of batches.refused) {
      failed++;
      errors.push({ item: item.guid, reason, skipped: false });
    }
    let written = 0;
    const edited = feed.items.filter((item) => mapped.has(item.guid));
    await mapLimited(edited, this.deps.catalogConcurrency ?? 4, async (item) => {
      try {
        const outcome = await this.updateItem(viewer, source, item, mapped.get(item.guid) as IngestItem);
        if (outcome.result === 'updated') updated++;
        rows.set(item.guid, outcome.row);
      } catch (error) {
        if (!(error instanceof CatalogError) || error.transient) throw error;
        failed++;
        errors.push({ item: item.guid, reason: error.message, skipped: false });
      } finally {
        await report(fresh.length + ++written, 0.1, 0.4);
      }
    });
    for (const [index, item] of feed.items.entries()) {
      const row = rows.get(item.guid);
      if (row) {
        try {
          if (await this.publishAndHandOff(viewer, job, source, item, row)) downloads++;
          if (await this.handOffExtras(job, source, item, row)) downloads++;
        } catch (error) {
          if (!(error instanceof CatalogError) || error.transient) throw error;
          failed++;
          errors.push({ item: item.guid, reason: error.message, skipped: false });
        }
      }
      await report(index + 1, 0.5, downloads ? 0.3 : 0.45);
    }
    // a feed of thousands of broken items keeps a readable record: the first MAX_ITEM_ERRORS
    Object.assign(job, { created, updated, failed, skipped: feed.skipped.length, errors: errors.slice(0, MAX_ITEM_ERRORS), warnings: [] });
    if (downloads === 0) return this.complete(job, source, { reason: null, showHash, validators: fetched.validators });
    // the feed is imported: what is left is media's, so the validators are kept now
    await dataSource.getRepository(FeedSource).update({ id: source.id }, { showHash, etag: fetched.validators.etag, lastModified: fetched.validators.lastModified });
    await this.save(job, { status: IngestStatus.DOWNLOADING, progress: 0.8, created, updated, failed, skipped: job.skipped, errors });
    await this.settleDownloads(job.id);
  }

  /**
   * After each enclosure hand-off ends: a DOWNLOADING job whose downloads all ended completes,
   * the failed ones among its errors. Concurrent calls complete it once (see complete()).
   */
  async settleDownloads(jobId: string): Promise<void> {
    const { dataSource } = this.deps;
    const job = await dataSource.getRepository(IngestJob).findOneBy({ id: jobId });
    if (!job || job.status !== IngestStatus.DOWNLOADING) return;
    const rows = await dataSource.getRepository(IngestItem).findBy({ mediaJobId: jobId });
    const extras = await dataSource.getRepository(IngestItem).findBy({ extrasJobId: jobId });
    const ended = rows.filter((row) => row.mediaHandedOff || row.mediaError !== null).length + extras.filter((row) => row.extrasEnded).length;
    const pending = rows.length + extras.length;
    if (ended < pending) {
      await this.save(job, { progress: 0.8 + 0.2 * (ended / pending) });
      return;
    }
    const failures = rows.filter((row) => row.mediaError !== null);
    job.errors = [...job.errors, ...failures.map((row) => ({ item: row.guid, reason: `media: ${row.mediaError}`, skipped: false }))].slice(0, MAX_ITEM_ERRORS);
    job.failed += failures.length;
    // a transcript or chapters file that did not come along is a warning: the episode is imported
    const warnings = extras.flatMap((row) => Object.entries(row.extrasWarnings).map(([kind, reason]) => ({ item: row.guid, reason: `${kind}: ${reason}` })));
    job.warnings = [...(job.warnings ?? []), ...warnings].slice(0, MAX_ITEM_ERRORS);
    const source = await dataSource.getRepository(FeedSource).findOneByOrFail({ id: job.sourceId });
    await this.complete(job, source, { reason: null, showHash: source.showHash });
  }

  private async createShow(viewer: Viewer, show: ShowInput): Promise<string> {
    const slug = slugOf(show.title);
    try {
      return await this.catalogStep(() => this.deps.catalog.createShow(viewer, slug, show));
    } catch (error) {
      if (!(error instanceof JobFailure) || !/slug/.test(error.message)) throw error;
      // the title's slug is taken: the same with a random tail
      return this.catalogStep(() => this.deps.catalog.createShow(viewer, `${slug.slice(0, 70)}-${randomBytes(3).toString('hex')}`, show));
    }
  }

  /** Catalog refusing the show (validation, ownership) fails the job; catalog away is retried. */
  private async catalogStep<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof CatalogError && !error.transient) throw new JobFailure(`catalog refused the show: ${error.message}`);
      throw error;
    }
  }

  /** A known item changed since the last run is updated in catalog. */
  private async updateItem(viewer: Viewer, source: FeedSource, item: FeedItem, known: IngestItem): Promise<{ result: 'updated' | 'unchanged'; row: IngestItem }> {
    const input = episodeInputOf(item);
    const contentHash = hashOf(input);
    if (known.contentHash === contentHash) return { result: 'unchanged', row: known };
    await this.deps.catalog.updateEpisode(viewer, known.episodeId, input);
    await this.deps.dataSource.getRepository(IngestItem).update({ sourceId: source.id, guid: item.guid }, { contentHash, pubDate: item.pubDate, updatedAt: new Date() });
    return { result: 'updated', row: { ...known, contentHash } };
  }

  /** Publishes what is not yet published (catalog does not require media for it); hands its enclosure to media. True when a download was queued. */
  private async publishAndHandOff(viewer: Viewer, job: IngestJob, source: FeedSource, item: FeedItem, row: IngestItem): Promise<boolean> {
    const items = this.deps.dataSource.getRepository(IngestItem);
    if (!row.published) {
      await this.deps.catalog.publishEpisode(viewer, row.episodeId);
      await items.update({ sourceId: source.id, guid: item.guid }, { published: true });
    }
    // one hand-off at a time per item: a failed one is tried again by a later run
    const enclosures = this.deps.enclosures;
    if (!item.enclosure || !enclosures || row.mediaHandedOff || (row.mediaJobId !== null && row.mediaError === null)) return false;
    await items.update({ sourceId: source.id, guid: item.guid }, { enclosureUrl: item.enclosure.url, mediaJobId: job.id, mediaError: null });
    await enclosures.enqueue(job.id, source.id, item.guid);
    return true;
  }

  /**
   * Remembers the item's transcript and chapters files as the feed names them now, and hands them
   * to media when they differ from what it has (one hand-off at a time per item: one still
   * waiting for media reads these columns on its next try). True when one was queued.
   */
  private async handOffExtras(job: IngestJob, source: FeedSource, item: FeedItem, row: IngestItem): Promise<boolean> {
    const named = {
      transcriptUrl: item.transcript?.url ?? null, transcriptType: item.transcript?.type ?? null, transcriptLanguage: item.transcript?.language ?? null, chaptersUrl: item.chaptersUrl,
    };
    const items = this.deps.dataSource.getRepository(IngestItem);
    const changed = (Object.keys(named) as Array<keyof typeof named>).some((key) => (row[key] ?? null) !== named[key]);
    if (changed) await items.update({ sourceId: source.id, guid: item.guid }, named);
    const extras = this.deps.extras;
    const wantsTranscript = item.transcript !== null && transcriptKeyOf(item.transcript.type, item.transcript.url) !== (row.transcriptSent ?? null);
    const wantsChapters = item.chaptersUrl !== null && item.chaptersUrl !== (row.chaptersSent ?? null);
    if (!extras || !(wantsTranscript || wantsChapters) || (row.extrasEnded === false && row.extrasJobId !== null)) return false;
    await items.update({ sourceId: source.id, guid: item.guid }, { extrasJobId: job.id, extrasEnded: false, extrasWarnings: {} });
    await extras.enqueue(job.id, source.id, item.guid);
    return true;
  }

  /** A permanent redirect: the source (and this job) now use the new URL, unless the owner already has a source there. */
  private async move(job: IngestJob, source: FeedSource, to: string): Promise<void> {
    const taken = await this.deps.dataSource.getRepository(FeedSource).existsBy({ ownerId: source.ownerId, feedUrl: to });
    if (taken) return;
    source.feedUrl = to;
    await this.deps.dataSource.getRepository(FeedSource).update({ id: source.id }, { feedUrl: to, updatedAt: new Date() });
    await this.save(job, { feedUrl: to });
  }

  private nextPoll(source: FeedSource): Date | null {
    return source.polling && source.pollIntervalMinutes ? new Date(Date.now() + source.pollIntervalMinutes * 60_000) : null;
  }

  private async complete(
    job: IngestJob,
    source: FeedSource,
    outcome: { reason: string | null; showHash: string | null; validators?: { etag: string | null; lastModified: string | null } },
  ): Promise<void> {
    const finishedAt = new Date();
    await this.deps.dataSource.transaction(async (tx) => {
      // once: two downloads ending together both find nothing pending
      const done = await tx
        .createQueryBuilder()
        .update(IngestJob)
        .set({ status: IngestStatus.COMPLETED, progress: 1, finishedAt, reason: outcome.reason, showId: source.showId, found: job.found, created: job.created, updated: job.updated, skipped: job.skipped, failed: job.failed, errors: job.errors, warnings: job.warnings ?? [] })
        .where('id = :id AND status IN (:...open)', { id: job.id, open: OPEN })
        .execute();
      if (!done.affected) return;
      await tx.getRepository(FeedSource).update(
        { id: source.id },
        { showHash: outcome.showHash, ...(outcome.validators && { etag: outcome.validators.etag, lastModified: outcome.validators.lastModified }), nextPollAt: this.nextPoll(source), updatedAt: finishedAt },
      );
      if (source.showId) {
        await recordEvent(tx, IngestCompleted, source.id, {
          jobId: job.id, sourceId: source.id, ownerId: source.ownerId, showId: source.showId, feedUrl: source.feedUrl,
          found: job.found, created: job.created, updated: job.updated, skipped: job.skipped, failed: job.failed,
          reasons: job.errors.slice(0, MAX_REASONS).map((e) => `${e.item}: ${e.reason}`),
        });
      }
    });
    await this.deps.publish(job.id);
  }

  private async fail(job: IngestJob, source: FeedSource, reason: string, httpStatus?: number): Promise<void> {
    await this.deps.dataSource.transaction(async (tx) => {
      await tx.getRepository(IngestJob).update({ id: job.id }, { status: IngestStatus.FAILED, reason, httpStatus: httpStatus ?? null, finishedAt: new Date() });
      await tx.getRepository(FeedSource).update({ id: source.id }, { nextPollAt: this.nextPoll(source), updatedAt: new Date() });
      await recordEvent(tx, IngestFailed, source.id, { jobId: job.id, sourceId: source.id, ownerId: source.ownerId, feedUrl: source.feedUrl, reason, ...(httpStatus !== undefined && { httpStatus }) });
    });
    await this.deps.publish(job.id);
  }
}

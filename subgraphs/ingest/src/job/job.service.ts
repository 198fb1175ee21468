import { canManage, type Viewer } from '@wavegraph/auth';
import { badInput, forbidden, notFound, requireUuid, unauthenticated } from '@wavegraph/kit';
import { In, type DataSource } from 'typeorm';
import { opmlFeedUrls } from '../feed/opml';
import { FeedSource } from '../source/source.entity';
import { IngestJob, IngestStatus } from './job.entity';
import type { IngestQueue } from './job.queue';

export interface ImportLimits {
  /** Shortest poll interval accepted (INGEST_MIN_POLL_MINUTES, default 15). */
  minPollMinutes: number;
  /** Feeds one OPML import may list (INGEST_MAX_OPML_FEEDS, default 100). */
  maxOpmlFeeds: number;
}

const MAX_POLL_MINUTES = 7 * 24 * 60;

/** A URL the worker will try to fetch: http(s), no credentials; where it points is checked at fetch time. */
export function validFeedUrl(raw: string, field = 'url'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput('url must be a valid http or https URL', field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('url must use http or https', field);
  if (url.username || url.password) throw badInput('url must not contain credentials', field);
  if (url.toString().length > 2048) throw badInput('url must be at most 2048 characters', field);
  return url.toString();
}

/** The use cases behind ingest's GraphQL API; the runs themselves happen in the worker. */
export class IngestJobService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: IngestQueue,
    private readonly limits: ImportLimits,
  ) {}

  private validInterval(minutes: number | null | undefined): number | null {
    if (minutes === null || minutes === undefined) return null;
    if (!Number.isInteger(minutes) || minutes < this.limits.minPollMinutes || minutes > MAX_POLL_MINUTES) {
      throw badInput(`pollIntervalMinutes must be a whole number from ${this.limits.minPollMinutes} to ${MAX_POLL_MINUTES}`, 'pollIntervalMinutes');
    }
    return minutes;
  }

  async importFeed(viewer: Viewer | null, rawUrl: string, pollIntervalMinutes?: number | null): Promise<IngestJob> {
    if (!viewer) throw unauthenticated();
    const feedUrl = validFeedUrl(rawUrl);
    const interval = this.validInterval(pollIntervalMinutes);
    return this.start(viewer, feedUrl, interval);
  }

  async importOpml(viewer: Viewer | null, opml: string): Promise<IngestJob[]> {
    if (!viewer) throw unauthenticated();
    const urls = opmlFeedUrls(opml);
    if (urls.length === 0) throw badInput('the OPML lists no feed (outline xmlUrl)', 'opml');
    if (urls.length > this.limits.maxOpmlFeeds) throw badInput(`the OPML lists ${urls.length} feeds; at most ${this.limits.maxOpmlFeeds} at once`, 'opml');
    const valid = urls.map((url) => validFeedUrl(url, 'opml'));
    const jobs: IngestJob[] = [];
    for (const url of [...new Set(valid)]) jobs.push(await this.start(viewer, url, null));
    return jobs;
  }

  /** One source per owner and URL: importing it again runs it again (and sets its interval when given). */
  private async start(viewer: Viewer, feedUrl: string, interval: number | null): Promise<IngestJob> {
    const job = await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO feed_sources (owner_id, owner_role, owner_plan, feed_url, poll_interval_minutes, polling)
         VALUES ($1, $2, $3, $4, $5, true)
         ON CONFLICT (owner_id, feed_url) DO UPDATE SET owner_role = $2, owner_plan = $3, polling = true,
           poll_interval_minutes = COALESCE($5, feed_sources.poll_interval_minutes), updated_at = now()`,
        [viewer.id.toLowerCase(), viewer.role, viewer.plan, feedUrl, interval],
      );
      const source = await tx.getRepository(FeedSource).findOneByOrFail({ ownerId: viewer.id.toLowerCase(), feedUrl });
      const running = await tx.getRepository(IngestJob).findOne({ where: { sourceId: source.id, status: In([IngestStatus.QUEUED, IngestStatus.FETCHING, IngestStatus.IMPORTING]) } });
      if (running) return { job: running, source, fresh: false };
      const created = tx.getRepository(IngestJob).create({
        sourceId: source.id, ownerId: source.ownerId, feedUrl, status: IngestStatus.QUEUED, showId: source.showId,
        found: 0, created: 0, updated: 0, skipped: 0, failed: 0, progress: 0, reason: null, httpStatus: null, errors: [], warnings: [], startedAt: null, finishedAt: null,
      });
      return { job: await tx.getRepository(IngestJob).save(created), source, fresh: true };
    });
    if (job.fresh) {
      try {
        await this.queue.run(job.job.id);
      } catch (error) {
        // never left QUEUED with nothing to run it: asking again starts a new one
        await this.dataSource.getRepository(IngestJob).update({ id: job.job.id }, { status: IngestStatus.FAILED, reason: 'the import could not be queued; try again', finishedAt: new Date() });
        throw error;
      }
    }
    if (job.source.pollIntervalMinutes) await this.queue.schedulePolls(job.source.id, job.source.pollIntervalMinutes);
    return job.job;
  }

  async get(viewer: Viewer | null, rawId: string): Promise<IngestJob> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('id', rawId);
    const job = await this.dataSource.getRepository(IngestJob).findOneBy({ id });
    if (!job) throw notFound('IngestJob');
    if (!canManage(viewer, job.ownerId)) throw forbidden("Only the job's owner, editors and admins see it");
    return job;
  }

  async forViewer(viewer: Viewer | null, first: number): Promise<IngestJob[]> {
    if (!viewer) throw unauthenticated();
    return this.dataSource.getRepository(IngestJob).find({ where: { ownerId: viewer.id.toLowerCase() }, order: { createdAt: 'DESC', id: 'DESC' }, take: first });
  }

  async findByIds(ids: readonly string[]): Promise<IngestJob[]> {
    return ids.length ? this.dataSource.getRepository(IngestJob).findBy({ id: In([...ids]) }) : [];
  }

  /** When each source is polled next: its job scheduler's next run (one SQL query, one Redis read per polled source). */
  async nextPolls(sourceIds: readonly string[]): Promise<Array<Date | null>> {
    const rows = sourceIds.length ? await this.dataSource.getRepository(FeedSource).findBy({ id: In([...sourceIds]) }) : [];
    return Promise.all(
      sourceIds.map(async (id) => {
        const source = rows.find((row) => row.id === id);
        if (!source?.polling || !source.pollIntervalMinutes) return null;
        return (await this.queue.nextPollAt(id)) ?? source.nextPollAt;
      }),
    );
  }

  /** Stops the source's polls; its jobs and the imported show stay. */
  async stopPolling(viewer: Viewer | null, rawId: string): Promise<FeedSource> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('sourceId', rawId);
    const repo = this.dataSource.getRepository(FeedSource);
    const source = await repo.findOneBy({ id });
    if (!source) throw notFound('FeedSource');
    if (!canManage(viewer, source.ownerId)) throw forbidden("Only the source's owner, editors and admins stop its polls");
    await this.queue.stopPolls(source.id);
    await repo.update({ id }, { polling: false, nextPollAt: null, updatedAt: new Date() });
    return { ...source, polling: false, nextPollAt: null };
  }
}

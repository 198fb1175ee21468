import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { catalogModule, type CatalogServices } from '@wavegraph/catalog';
import { startTestSubgraph, TEST_GATEWAY_SECRET, TEST_REDIS_URL, eventually, type SubgraphHarness } from '@wavegraph/testkit';
import { createIngestModule } from '../ingest.module';
import { FINISHED } from '../job/job.entity';
import type { IngestServices } from '../services';
import { startIngestWorker, type IngestWorker } from '../worker/ingest.worker';
import { FeedServer } from './feed-server';

/**
 * Catalog and ingest subgraphs in-process on fresh databases, the ingest worker beside them
 * (reaching catalog at its URL with the test gateway secret) and a feed server on 127.0.0.1.
 */
export interface IngestHarness {
  catalog: SubgraphHarness<CatalogServices>;
  ingest: SubgraphHarness<IngestServices>;
  worker: IngestWorker;
  feeds: FeedServer;
  stop(): Promise<void>;
}

export const creator = (): Viewer => ({ id: randomUUID(), role: 'USER', plan: 'FREE' });

export async function startIngestHarness(options: { timeoutMs?: number; allowPrivateNetworks?: boolean } = {}): Promise<IngestHarness> {
  const feeds = await new FeedServer().start();
  const catalog = await startTestSubgraph(catalogModule);
  const ingest = await startTestSubgraph(createIngestModule({ retry: { attempts: 1, backoffMs: 10 }, limits: { minPollMinutes: 1, maxOpmlFeeds: 5 } }));
  const worker = await startIngestWorker({
    databaseUrl: ingest.database.url,
    redisUrl: TEST_REDIS_URL,
    prefix: ingest.redisPrefix,
    catalogUrl: catalog.running.url,
    gatewaySecret: TEST_GATEWAY_SECRET,
    // the feeds are on loopback: allowed here only (INGEST_ALLOW_PRIVATE_NETWORKS=true), unless a spec says otherwise
    fetchPolicy: { allowPrivateNetworks: options.allowPrivateNetworks ?? true, timeoutMs: options.timeoutMs ?? 3_000, maxBytes: 1024 * 1024 },
    userAgent: 'wavegraph-ingest-test',
    retry: { attempts: 1, backoffMs: 10 },
  });
  return {
    catalog,
    ingest,
    worker,
    feeds,
    stop: async () => {
      await worker.close();
      await ingest.stop();
      await catalog.stop();
      await feeds.stop();
    },
  };
}

export const JOB_FIELDS = `id sourceId status feedUrl progress reason startedAt finishedAt nextPollAt show { id }
  counts { found created updated skipped failed } errors { item reason skipped }`;

export interface JobView {
  id: string;
  sourceId: string;
  status: string;
  feedUrl: string;
  progress: number;
  reason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  nextPollAt: string | null;
  show: { id: string } | null;
  counts: { found: number; created: number; updated: number; skipped: number; failed: number };
  errors: Array<{ item: string; reason: string; skipped: boolean }>;
}

export async function importFeed(h: IngestHarness, owner: Viewer, url: string, pollIntervalMinutes?: number): Promise<JobView> {
  const res = await h.ingest.call<{ importShowFromFeed: JobView }>(
    `mutation($url: String!, $poll: Int) { importShowFromFeed(url: $url, pollIntervalMinutes: $poll) { ${JOB_FIELDS} } }`,
    { url, poll: pollIntervalMinutes ?? null },
    owner,
  );
  if (!res.data?.importShowFromFeed) throw new Error(`importShowFromFeed failed: ${JSON.stringify(res.errors)}`);
  return res.data.importShowFromFeed;
}

export async function jobOf(h: IngestHarness, owner: Viewer, id: string): Promise<JobView> {
  const res = await h.ingest.call<{ ingestJob: JobView }>(`query($id: ID!) { ingestJob(id: $id) { ${JOB_FIELDS} } }`, { id }, owner);
  if (!res.data?.ingestJob) throw new Error(`ingestJob failed: ${JSON.stringify(res.errors)}`);
  return res.data.ingestJob;
}

/** Waits until the job is COMPLETED or FAILED, and returns it as its owner reads it. */
export const finished = (h: IngestHarness, owner: Viewer, id: string): Promise<JobView> =>
  eventually(async () => {
    const job = await jobOf(h, owner, id);
    return FINISHED.has(job.status as never) ? job : false;
  }, 20_000);

export interface CatalogEpisode {
  id: string;
  guid: string;
  title: string;
  description: string;
  status: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: string;
  explicit: boolean | null;
  publishedAt: string | null;
}

export interface CatalogShow {
  id: string;
  title: string;
  description: string;
  category: string;
  subcategory: string | null;
  language: string;
  artworkUrl: string | null;
  explicit: boolean;
  author: string | null;
  showType: string;
  people: Array<{ name: string; role: string }>;
  owner: { id: string } | null;
  episodes: { edges: Array<{ node: CatalogEpisode }> };
}

/** The show as catalog gives it to its owner, episodes newest first. */
export async function catalogShow(h: IngestHarness, owner: Viewer, id: string): Promise<CatalogShow> {
  const res = await h.catalog.call<{ show: CatalogShow }>(
    `query($id: ID!) { show(id: $id) { id title description category subcategory language artworkUrl explicit author showType people { name role } owner { id }
       episodes(first: 100) { edges { node { id guid title description status seasonNumber episodeNumber episodeType explicit publishedAt } } } } }`,
    { id },
    owner,
  );
  if (!res.data?.show) throw new Error(`show failed: ${JSON.stringify(res.errors)}`);
  return res.data.show;
}

/** Events ingest recorded in its outbox, oldest first. */
export async function recordedEvents(h: IngestHarness): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  return h.ingest.running.db.dataSource.query('SELECT type, payload FROM outbox ORDER BY position');
}

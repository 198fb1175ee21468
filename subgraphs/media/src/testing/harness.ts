import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Plan, Role, Viewer } from '@wavegraph/auth';
import { startTestSubgraph, type GraphQLResponse, type SubgraphHarness } from '@wavegraph/testkit';
import { createMediaModule } from '../media.module';
import { NO_UPLOAD_QUOTAS, type MediaConfig } from '../media.config';
import type { MediaServices } from '../services';
import { CatalogFeed } from '@wavegraph/testkit';
import { RecordingStarter } from './recording-starter';

/** A media subgraph on a fresh database, Redis prefix and data directory, with a fake catalog and processing queue. */
export interface MediaHarness extends SubgraphHarness<MediaServices> {
  catalog: CatalogFeed;
  starter: RecordingStarter;
  services: MediaServices;
  /** The subgraph's origin, e.g. http://127.0.0.1:12345 (also its public URL in tests). */
  origin: string;
}

export const TEST_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export async function startMedia(overrides: Partial<MediaConfig> = {}): Promise<MediaHarness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wg-media-'));
  const starter = new RecordingStarter();
  const config: MediaConfig = {
    storage: 'filesystem',
    dataDir,
    publicUrl: 'http://replaced-once-the-port-is-known',
    signingSecret: 'media-test-secret',
    maxUploadBytes: TEST_MAX_UPLOAD_BYTES,
    uploadTtlSeconds: 3600,
    playbackTtlSeconds: 600,
    uploadCleanupSeconds: 3600,
    // specs look at storage right after a replacement: replaced objects go at once (storage/retired.spec.ts covers the grace)
    retiredGraceSeconds: 0,
    // specs upload far more than a person would; quota specs set their own caps
    quotas: NO_UPLOAD_QUOTAS,
    ...overrides,
  };
  const h = await startTestSubgraph(createMediaModule({ config: () => config, starter: () => starter }));
  const origin = `http://127.0.0.1:${h.running.port}`;
  // the port is only known once listening; nothing has read publicUrl before this point
  config.publicUrl = origin;
  const catalog = new CatalogFeed(h);
  return {
    ...h,
    catalog,
    starter,
    services: h.running.services,
    origin,
    stop: async () => {
      catalog.close();
      await h.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const viewer = (role: Role = 'USER', id: string = randomUUID(), plan: Plan = 'FREE'): Viewer => ({ id, role, plan });

export const errorOf = (res: GraphQLResponse<unknown>): { code?: string; field?: unknown } => ({
  code: res.errors?.[0]?.extensions?.code,
  field: res.errors?.[0]?.extensions?.field,
});

export const MEDIA_TABLES = ['media_assets', 'media_steps', 'uploads', 'outbox'];

/** Row counts of several tables at once, to assert a refused mutation wrote nothing. */
export async function counts(h: MediaHarness, tables: string[] = MEDIA_TABLES): Promise<Record<string, number>> {
  const entries = await Promise.all(tables.map(async (table) => [table, await h.count(table)] as const));
  return Object.fromEntries(entries);
}

export interface OutboxRow {
  type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
}

export async function outboxOf(h: MediaHarness, aggregateId: string): Promise<OutboxRow[]> {
  return h.running.db.dataSource.query('SELECT type, aggregate_id, payload FROM outbox WHERE aggregate_id = $1 ORDER BY position', [aggregateId]);
}

export const CREATE_UPLOAD = `mutation($input: CreateUploadInput!) { createUpload(input: $input) {
  uploadUrl endpoint chunkSize token expiresAt upload { id status filename mimeType sizeBytes expectedSha256 asset { id status progress steps { name status } } episode { id } }
} }`;

export interface Ticket {
  uploadUrl: string;
  endpoint: string;
  chunkSize: number;
  token: string;
  expiresAt: string;
  upload: { id: string; status: string; sizeBytes: number; asset: { id: string; status: string } };
}

/** Creates an upload as `as` and returns its ticket (failing the test on any error). */
export async function createUpload(
  h: MediaHarness,
  as: Viewer,
  input: { episodeId: string; sizeBytes: number; filename?: string; mimeType?: string; sha256?: string | null },
): Promise<Ticket> {
  const res = await h.call<{ createUpload: Ticket }>(CREATE_UPLOAD, { input: { filename: 'episode.mp3', mimeType: 'audio/mpeg', ...input } }, as);
  if (res.errors) throw new Error(`createUpload failed: ${JSON.stringify(res.errors)}`);
  return res.data!.createUpload;
}

/** A second media replica on the same database, Redis prefix and data directory (a shared volume). */
export async function startReplica(h: MediaHarness): Promise<{ origin: string; stop(): Promise<void> }> {
  const replica = await startTestSubgraph(createMediaModule({ config: () => h.services.config, starter: () => h.starter }), {
    database: h.database,
    redisPrefix: h.redisPrefix,
  });
  return { origin: `http://127.0.0.1:${replica.running.port}`, stop: replica.stop };
}

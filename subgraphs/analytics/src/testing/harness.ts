import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import {
  appendEvent,
  EnclosureRequested,
  EpisodePublished,
  MediaReady,
  PlayRecorded,
  ShowCreated,
  type EventContract,
  type EventEnvelope,
  type PayloadOf,
} from '@wavegraph/events';
import { connectRedis, type Redis } from '@wavegraph/kit';
import { consumed, startTestSubgraph, TEST_REDIS_URL, type GraphQLResponse, type SubgraphHarness } from '@wavegraph/testkit';
import { analyticsModule } from '../analytics.module';
import { ANALYTICS_GROUP, ANALYTICS_PRODUCERS, type AnalyticsServices } from '../services';
import { ClickHouseStore } from '../store/clickhouse.store';
import { clickHouseSettingsFromEnv } from '../store/store.settings';

export type ShowSnapshot = PayloadOf<typeof ShowCreated>;
export type EpisodeSnapshot = PayloadOf<typeof EpisodePublished>;

/** An analytics subgraph on a fresh Postgres database, Redis prefix and ClickHouse database, and a Redis client to play the producers. */
export interface AnalyticsHarness extends SubgraphHarness<AnalyticsServices> {
  redis: Redis;
  /** The spec's ClickHouse database, through the same adapter. */
  store: ClickHouseStore;
}

export async function startAnalytics(): Promise<AnalyticsHarness> {
  const h = await startTestSubgraph(analyticsModule);
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'analytics-harness' });
  const store = new ClickHouseStore(clickHouseSettingsFromEnv(h.database.url));
  return {
    ...h,
    redis,
    store,
    stop: async () => {
      redis.disconnect();
      await h.stop();
      await store.drop();
      await store.close();
    },
  };
}

type Overrides = Partial<Pick<EventEnvelope, 'id' | 'position' | 'occurredAt'>>;

export const emit = <P>(h: AnalyticsHarness, contract: EventContract<P>, aggregateId: string, payload: P, overrides: Overrides = {}) =>
  appendEvent(h.redis, h.redisPrefix, contract, aggregateId, payload, overrides);

export const viewer = (role: Viewer['role'] = 'USER'): Viewer => ({ id: randomUUID(), role, plan: 'FREE' });

export async function createShow(h: AnalyticsHarness, ownerId: string): Promise<ShowSnapshot> {
  const show: ShowSnapshot = { showId: randomUUID(), ownerId, slug: `show-${randomUUID().slice(0, 8)}`, title: 'A show', description: '', category: 'TECHNOLOGY', language: 'en', artworkUrl: null };
  await emit(h, ShowCreated, show.showId, show);
  return show;
}

export async function publishEpisode(h: AnalyticsHarness, show: ShowSnapshot, status: EpisodeSnapshot['status'] = 'PUBLISHED'): Promise<EpisodeSnapshot> {
  const episode: EpisodeSnapshot = {
    episodeId: randomUUID(),
    showId: show.showId,
    ownerId: show.ownerId,
    title: 'An episode',
    description: '',
    seasonNumber: null,
    episodeNumber: null,
    status,
    publishedAt: status === 'PUBLISHED' ? new Date().toISOString() : null,
  };
  await emit(h, EpisodePublished, episode.episodeId, episode);
  return episode;
}

export const mediaReady = (h: AnalyticsHarness, episode: EpisodeSnapshot, durationSeconds: number) => {
  const assetId = randomUUID();
  return emit(h, MediaReady, assetId, { assetId, episodeId: episode.episodeId, ownerId: episode.ownerId, durationSeconds, hasVideo: false, integratedLufs: -16, truePeakDbtp: -1 });
};

/** A heartbeat of recordPlay at `at` (ISO). */
export const heartbeat = (h: AnalyticsHarness, episodeId: string, userId: string, at: string, positionSeconds: number, extra: { completed?: boolean; clientApp?: string; id?: string } = {}) =>
  emit(
    h,
    PlayRecorded,
    episodeId,
    { episodeId, userId, positionSeconds, completed: extra.completed ?? false, counted: false, ...(extra.clientApp ? { clientApp: extra.clientApp } : {}) },
    { occurredAt: at, ...(extra.id ? { id: extra.id } : {}) },
  );

/** A request of the episode's enclosure URL at `at` (ISO) from `ipHash` with `userAgent`. */
export const download = (h: AnalyticsHarness, episodeId: string, ipHash: string, userAgent: string, at: string, extra: { id?: string; rangeStart?: number } = {}) =>
  emit(
    h,
    EnclosureRequested,
    episodeId,
    { episodeId, rendition: 'aac-128', ipHash, userAgent, ...(extra.rangeStart !== undefined ? { rangeStart: extra.rangeStart } : {}) },
    { occurredAt: at, ...(extra.id ? { id: extra.id } : {}) },
  );

/** An address hash as media writes them (64 hex characters). */
export const ipHash = (seed: string): string => seed.repeat(64).slice(0, 64);

/** Waits until the consumer applied everything on the streams (queued for ClickHouse, not yet flushed). */
export const applied = (h: AnalyticsHarness, timeoutMs = 15_000): Promise<void> => consumed(h.redis, h.redisPrefix, ANALYTICS_GROUP, ANALYTICS_PRODUCERS, timeoutMs);

/** Waits until the consumer applied everything on the streams, then until the queue reached ClickHouse. */
export async function settle(h: AnalyticsHarness, timeoutMs = 15_000): Promise<void> {
  await applied(h, timeoutMs);
  await h.running.services.flusher.flushAll();
}

export const errorOf = (res: GraphQLResponse<unknown>): { code?: string; field?: unknown } => ({
  code: res.errors?.[0]?.extensions?.code,
  field: res.errors?.[0]?.extensions?.field,
});

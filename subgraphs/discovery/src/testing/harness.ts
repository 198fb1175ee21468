import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  appendEvent,
  EpisodeLiked,
  EpisodePublished,
  EpisodeUnliked,
  PlayRecorded,
  ShowCreated,
  TranscriptPublished,
  type EventContract,
  type EventEnvelope,
  type PayloadOf,
} from '@wavegraph/events';
import { applyInOrder, consumed, startTestSubgraph, TEST_REDIS_URL, type GraphQLResponse, type SubgraphHarness } from '@wavegraph/testkit';
import { connectRedis, type Redis } from '@wavegraph/kit';
import { discoveryModule } from '../discovery.module';
import { DISCOVERY_GROUP, DISCOVERY_PRODUCERS, discoveryHandlers, PROJECTION_TABLES, scopesOf } from '../projection/projection';
import type { DiscoveryServices } from '../services';
import { eventually } from '@wavegraph/testkit';

export { eventually };

export type ShowSnapshot = PayloadOf<typeof ShowCreated>;
export type EpisodeSnapshot = PayloadOf<typeof EpisodePublished>;
export type TranscriptPayload = PayloadOf<typeof TranscriptPublished>;
export type Segment = TranscriptPayload['segments'][number];

/** A discovery subgraph on a fresh database and Redis prefix, plus a Redis client to play the producers. */
export interface DiscoveryHarness extends SubgraphHarness<DiscoveryServices> {
  redis: Redis;
}

export async function startDiscovery(): Promise<DiscoveryHarness> {
  const h = await startTestSubgraph(discoveryModule);
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'discovery-harness' });
  return {
    ...h,
    redis,
    stop: async () => {
      redis.disconnect();
      await h.stop();
    },
  };
}

type Overrides = Partial<Pick<EventEnvelope, 'id' | 'position' | 'occurredAt'>>;

/** Puts an event on its producer's stream, as catalog or engagement would. */
export const emit = <P>(h: DiscoveryHarness, contract: EventContract<P>, aggregateId: string, payload: P, overrides: Overrides = {}) =>
  appendEvent(h.redis, h.redisPrefix, contract, aggregateId, payload, overrides);

export const showSnapshot = (over: Partial<ShowSnapshot> = {}): ShowSnapshot => ({
  showId: randomUUID(),
  ownerId: randomUUID(),
  slug: `show-${randomUUID().slice(0, 8)}`,
  title: 'A show',
  description: '',
  category: 'TECHNOLOGY',
  language: 'en',
  artworkUrl: null,
  ...over,
});

export const episodeSnapshot = (showId: string, over: Partial<EpisodeSnapshot> = {}): EpisodeSnapshot => ({
  episodeId: randomUUID(),
  showId,
  ownerId: randomUUID(),
  title: 'An episode',
  description: '',
  seasonNumber: null,
  episodeNumber: null,
  status: 'PUBLISHED',
  publishedAt: new Date().toISOString(),
  ...over,
});

export async function createShow(h: DiscoveryHarness, over: Partial<ShowSnapshot> = {}, overrides: Overrides = {}): Promise<ShowSnapshot> {
  const show = showSnapshot(over);
  await emit(h, ShowCreated, show.showId, show, overrides);
  return show;
}

export async function publishEpisode(h: DiscoveryHarness, showId: string, over: Partial<EpisodeSnapshot> = {}, overrides: Overrides = {}): Promise<EpisodeSnapshot> {
  const episode = episodeSnapshot(showId, over);
  await emit(h, EpisodePublished, episode.episodeId, episode, overrides);
  return episode;
}

/** Segments of `seconds` each, one per text, back to back from 0. */
export const segmentsOf = (texts: readonly string[], seconds = 4): Segment[] =>
  texts.map((text, i) => ({ startSeconds: i * seconds, endSeconds: (i + 1) * seconds, text }));

/** A transcript of an episode as media publishes it. */
export const transcriptOf = (episodeId: string, revision: number, segments: Segment[], over: Partial<TranscriptPayload> = {}): TranscriptPayload => ({
  episodeId,
  ownerId: randomUUID(),
  revision,
  language: 'en-US',
  engine: 'pocketsphinx',
  segments,
  ...over,
});

/** Puts a transcript on media's stream. */
export const transcribe = (h: DiscoveryHarness, episodeId: string, revision: number, segments: Segment[], overrides: Overrides = {}) =>
  emit(h, TranscriptPublished, episodeId, transcriptOf(episodeId, revision, segments), overrides);

export const hoursAgo = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();

export const play = (h: DiscoveryHarness, episodeId: string, userId: string = randomUUID(), occurredAt = new Date().toISOString()) =>
  emit(h, PlayRecorded, episodeId, { episodeId, userId, positionSeconds: 0, completed: false, counted: true }, { occurredAt });

export const like = (h: DiscoveryHarness, episodeId: string, userId: string = randomUUID(), occurredAt = new Date().toISOString()) =>
  emit(h, EpisodeLiked, episodeId, { episodeId, userId, likedAt: occurredAt }, { occurredAt });

export const unlike = (h: DiscoveryHarness, episodeId: string, userId: string, occurredAt = new Date().toISOString()) =>
  emit(h, EpisodeUnliked, episodeId, { episodeId, userId }, { occurredAt });

/**
 * Waits until the consumer has read and acknowledged everything on the producers' streams,
 * then for the cache invalidation that follows each batch (it runs right after the acks).
 */
export async function settle(h: DiscoveryHarness, timeoutMs = 30_000): Promise<void> {
  await consumed(h.redis, h.redisPrefix, DISCOVERY_GROUP, DISCOVERY_PRODUCERS, timeoutMs);
  await new Promise((resolve) => setTimeout(resolve, 30));
}

/**
 * Applies events in exactly this order with the consumer's handlers (inbox included), bypassing
 * the streams, then invalidates the cache as the consumer does after a batch.
 */
export async function applyEvents(h: DiscoveryHarness, events: readonly EventEnvelope[]): Promise<number> {
  const applied = await applyInOrder(h.running.db.dataSource, DISCOVERY_GROUP, discoveryHandlers, events);
  await h.running.services.cache.invalidate(scopesOf(events));
  return applied;
}

/** Every projection row, in a fixed order, to compare a rebuilt read model with the incremental one. */
export async function dumpProjections(h: DiscoveryHarness): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of PROJECTION_TABLES) {
    // the generated tsvector follows from the other columns; ordering by every column makes the dump stable
    dump[table] = await h.running.db.dataSource.query(`SELECT to_jsonb(t) - 'search' AS row FROM ${table} t ORDER BY 1`);
  }
  return dump;
}

/** The error code and field of the first error, for compact assertions. */
export const errorOf = (res: GraphQLResponse<unknown>): { code?: string; field?: unknown } => ({
  code: res.errors?.[0]?.extensions?.code,
  field: res.errors?.[0]?.extensions?.field,
});

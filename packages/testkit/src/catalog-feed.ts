import { randomUUID } from 'node:crypto';
import {
  appendEvent, EpisodePublished, ShowCreated, type EventContract, type EventEnvelope, type PayloadOf,
} from '@wavegraph/events';
import { connectRedis } from '@wavegraph/kit';
import { eventually } from './eventually';
import { TEST_REDIS_URL } from './redis';

type EpisodeSnapshot = PayloadOf<typeof EpisodePublished>;
type Status = EpisodeSnapshot['status'];

interface Applier {
  redisPrefix: string;
  running: { db: { dataSource: { query(sql: string, params?: unknown[]): Promise<unknown> } } };
}

export interface KnownEpisodeData {
  episodeId: string;
  showId: string;
  ownerId: string;
}

/**
 * Plays catalog for a subgraph's spec: appends catalog events to the catalog stream of the harness's
 * prefix and waits until the subgraph's consumer applied them (their id is in the inbox).
 */
export class CatalogFeed {
  private readonly redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'test:catalog-feed' });

  constructor(private readonly h: Applier) {}

  /** Appends an event (overrides set e.g. its id or position) without waiting. */
  append<P>(contract: EventContract<P>, aggregateId: string, payload: P, overrides: Partial<EventEnvelope<P>> = {}): Promise<EventEnvelope<P>> {
    return appendEvent(this.redis, this.h.redisPrefix, contract, aggregateId, payload, overrides);
  }

  async emit<P>(contract: EventContract<P>, aggregateId: string, payload: P, overrides: Partial<EventEnvelope<P>> = {}): Promise<EventEnvelope<P>> {
    const event = await this.append(contract, aggregateId, payload, overrides);
    await this.applied(event.id);
    return event;
  }

  async applied(eventId: string): Promise<void> {
    await eventually(async () => {
      const rows = (await this.h.running.db.dataSource.query('SELECT 1 FROM inbox WHERE event_id = $1', [eventId])) as unknown[];
      return rows.length > 0;
    });
  }

  async show(ownerId: string = randomUUID()): Promise<{ showId: string; ownerId: string }> {
    const showId = randomUUID();
    await this.emit(ShowCreated, showId, {
      showId, ownerId, slug: `show-${showId.slice(0, 8)}`, title: 'A show', description: '', category: 'TECHNOLOGY', language: 'en', artworkUrl: null,
    });
    return { showId, ownerId };
  }

  snapshot(data: KnownEpisodeData, status: Status): EpisodeSnapshot {
    return {
      ...data, title: 'An episode', description: '', seasonNumber: null, episodeNumber: null, status,
      publishedAt: status === 'PUBLISHED' ? new Date().toISOString() : null,
    };
  }

  /** An episode of a show nobody announced (for a subgraph that keeps episodes only), owned by `ownerId`. */
  async episodeOwnedBy(ownerId: string = randomUUID(), status: Status = 'DRAFT'): Promise<KnownEpisodeData> {
    const data = { episodeId: randomUUID(), showId: randomUUID(), ownerId };
    await this.emit(EpisodePublished, data.episodeId, this.snapshot(data, status));
    return data;
  }

  /** A show with one episode in `status` (PUBLISHED unless told otherwise). */
  async episode(status: Status = 'PUBLISHED', show?: { showId: string; ownerId: string }): Promise<KnownEpisodeData> {
    const { showId, ownerId } = show ?? (await this.show());
    const data = { episodeId: randomUUID(), showId, ownerId };
    await this.emit(EpisodePublished, data.episodeId, this.snapshot(data, status));
    return data;
  }

  close(): void {
    this.redis.disconnect();
  }
}

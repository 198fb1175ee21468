import type { SubgraphPayload } from '../subgraph/exchange';
import type { GatewayGraphQLResponse } from '../subgraph/types';
import { entryKeyOf, selectionOf, tagOfRepresentation, type EntityTag } from './keys';
import { MemoryTier } from './memory-tier';
import { CACHE_POLICY, isShareable, type WithCachePolicy } from './policy';
import { PurgeLog } from './purge-log';
import type { RedisTier } from './redis-tier';
import type { EntityCacheSettings } from './settings';

/** Sends the representations the cache could not answer (through the batcher, as any entity fetch). */
export type SendEntities = (payload: SubgraphPayload) => Promise<WithCachePolicy<GatewayGraphQLResponse>>;

type EntityError = NonNullable<GatewayGraphQLResponse['errors']>[number];

interface Slot {
  tag: EntityTag;
  key: string;
}

/** What the cache did, for tests and /ready-style reports. */
export interface EntityCacheStats {
  hits: number;
  misses: number;
  stored: number;
  purged: number;
}

/**
 * How long a selection whose last answer was not shareable (no hints, PRIVATE, maxAge 0) goes
 * straight to its subgraph, without looking anything up: most selections of a subgraph without
 * hints, or with a viewer's field in them, never can be cached, and a lookup in memory and Redis
 * for each of their representations would cost more than the cache saves elsewhere. Skipping
 * the cache is always correct; a subgraph that starts sending hints is cached again after this.
 */
export const UNCACHEABLE_RECHECK_MS = 30_000;
/** Selections remembered as not shareable; past this the oldest is forgotten (and looked up again). */
const MAX_UNCACHEABLE_SELECTIONS = 10_000;

const entitiesOf = (response: GatewayGraphQLResponse): unknown[] | undefined => {
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  return Array.isArray(entities) ? entities : undefined;
};

/**
 * The gateway's entity cache (off unless GATEWAY_ENTITY_CACHE=on). For `_entities` fetches only,
 * each representation's answer is cached by (subgraph, selection and its variables, the
 * representation); hits are not sent, the rest are fetched and merged back in order.
 *
 * Scope rules, all from the subgraph's own cache policy (Apollo Server's cache-control plugin,
 * computed from the `@cacheControl` hints of the fields the fetch selected and of the entity
 * types resolved): a value is stored only when the response is PUBLIC with maxAge > 0 (TTL =
 * maxAge, capped), and only for entities that came back non-null without an error. PRIVATE,
 * unhinted (maxAge 0, `no-store`) and failed answers are never stored, so they are never served:
 * a viewer can only ever receive from the cache what the subgraph said any viewer would get.
 *
 * Purges (domain events, see purge-events.ts) drop the entity from both levels and are recorded,
 * so a fetch that started before a purge and completes after it stores nothing, and a Redis value
 * fetched before a purge this instance applied is refused.
 */
export class EntityCache {
  readonly stats: EntityCacheStats = { hits: 0, misses: 0, stored: 0, purged: 0 };
  private readonly memory: MemoryTier;
  private readonly purges: PurgeLog;
  /** Whether the event streams are being followed: while not, nothing is served or stored. */
  private following = false;
  /** Selections whose last answer could not be shared, until when they skip the cache (see UNCACHEABLE_RECHECK_MS). */
  private readonly uncacheable = new Map<string, number>();

  constructor(
    private readonly settings: EntityCacheSettings,
    private readonly shared: RedisTier | null,
    private readonly now: () => number = Date.now,
  ) {
    this.memory = new MemoryTier(settings.maxEntries);
    this.purges = new PurgeLog(settings.maxPurges, now);
  }

  async fetch(subgraph: string, payload: SubgraphPayload, send: SendEntities): Promise<GatewayGraphQLResponse> {
    const representations = payload.variables?.representations;
    if (!Array.isArray(representations) || !this.following) return send(payload);
    const selection = selectionOf(subgraph, payload);
    const skipUntil = this.uncacheable.get(selection);
    if (skipUntil !== undefined) {
      if (skipUntil > this.now()) return send(payload);
      this.uncacheable.delete(selection);
    }
    const slots = representations.map((representation): Slot | undefined => {
      const tag = tagOfRepresentation(representation);
      return tag ? { tag, key: entryKeyOf(selection, representation) } : undefined;
    });
    const found = await this.lookup(slots);
    const missing: number[] = [];
    found.forEach((json, index) => {
      if (json === undefined) missing.push(index);
    });
    this.stats.hits += representations.length - missing.length;
    this.stats.misses += missing.length;
    if (missing.length === 0) return { data: { _entities: found.map((json) => JSON.parse(json!) as unknown) } };

    const mark = this.purges.mark();
    const fetchedAt = this.now();
    const whole = missing.length === representations.length;
    const sent = whole ? payload : { ...payload, variables: { ...payload.variables, representations: missing.map((index) => representations[index]) } };
    const response = await send(sent);
    if (!isShareable(response[CACHE_POLICY])) {
      // an answer the subgraph gave (not a failure to reach it) that no one else may be given
      if (entitiesOf(response)) this.rememberUncacheable(selection);
    } else {
      // stored before the response is handed on: the plan's execution merges into these objects
      this.store(response, missing.map((index) => slots[index]), mark, fetchedAt);
    }
    return whole ? response : mergeBack(response, found, missing);
  }

  /** Drops the entities from this instance and from Redis; every instance does it for every event it reads. */
  async purge(tags: readonly EntityTag[]): Promise<void> {
    for (const tag of tags) {
      this.purges.record(tag);
      this.memory.purge(tag);
    }
    this.stats.purged += tags.length;
    await this.shared?.purge(tags);
  }

  /** Whether the cache is in use: only while the purging events are read. */
  get live(): boolean {
    return this.following;
  }

  /**
   * Called by the purge listener: once it follows the streams the cache is used; when it loses
   * them (events may be missed) everything this instance holds is dropped, Redis values fetched
   * before now are refused, and fetches go to the subgraphs until it follows them again.
   */
  setFollowing(following: boolean): void {
    if (!following) {
      this.purges.recordAll();
      this.memory.clear();
    }
    this.following = following;
  }

  private rememberUncacheable(selection: string): void {
    if (this.uncacheable.size >= MAX_UNCACHEABLE_SELECTIONS) this.uncacheable.delete(this.uncacheable.keys().next().value as string);
    this.uncacheable.set(selection, this.now() + UNCACHEABLE_RECHECK_MS);
  }

  /** The cached JSON of each slot: memory first, then Redis (copied into memory for its remaining lifetime). */
  private async lookup(slots: readonly (Slot | undefined)[]): Promise<(string | undefined)[]> {
    const found = slots.map((slot) => (slot ? this.memory.get(slot.tag, slot.key)?.json : undefined));
    if (!this.shared) return found;
    const asked: number[] = [];
    slots.forEach((slot, index) => {
      if (slot && found[index] === undefined) asked.push(index);
    });
    if (asked.length === 0) return found;
    const shared = await this.shared.getMany(asked.map((index) => slots[index]!));
    shared.forEach((value, position) => {
      const slot = slots[asked[position]]!;
      // fetched before a purge this instance applied (stored by an instance that had not read the event yet)
      if (!value || this.purges.purgedAfter(slot.tag, value.entity.fetchedAt)) return;
      found[asked[position]] = value.entity.json;
      this.memory.set(slot.tag, slot.key, value.entity, value.ttlMs);
    });
    return found;
  }

  private store(response: WithCachePolicy<GatewayGraphQLResponse>, slots: readonly (Slot | undefined)[], mark: number, fetchedAt: number): void {
    const policy = response[CACHE_POLICY];
    if (!isShareable(policy)) return;
    const entities = entitiesOf(response);
    if (!entities || entities.length !== slots.length) return;
    const failed = new Set<number>();
    for (const error of response.errors ?? []) {
      const index = error.path?.[0] === '_entities' ? error.path[1] : undefined;
      // an error that names no entity may concern any of them
      if (typeof index !== 'number') return;
      failed.add(index);
    }
    const ttlMs = Math.min(policy.maxAge * 1000, this.settings.maxTtlMs);
    if (ttlMs <= 0) return;
    slots.forEach((slot, index) => {
      const entity = entities[index];
      if (!slot || entity === null || entity === undefined || failed.has(index)) return;
      if (this.purges.purgedSince(slot.tag, mark)) return;
      const cached = { json: JSON.stringify(entity), fetchedAt };
      this.memory.set(slot.tag, slot.key, cached, ttlMs);
      this.shared?.set(slot.tag, slot.key, cached, ttlMs);
      this.stats.stored += 1;
    });
  }
}

/** The subgraph's answer for the missing representations, merged with the cached ones in the original order. */
function mergeBack(response: GatewayGraphQLResponse, found: readonly (string | undefined)[], missing: readonly number[]): GatewayGraphQLResponse {
  const fetched = entitiesOf(response);
  // an answer that is not one entity per representation sent fails the whole fetch, as it would uncached
  if (!fetched || fetched.length !== missing.length) return { ...response, data: null };
  const entities = found.map((json) => (json === undefined ? null : (JSON.parse(json) as unknown)));
  missing.forEach((index, position) => {
    entities[index] = fetched[position];
  });
  const errors = response.errors?.map((error): EntityError => {
    const position = error.path?.[0] === '_entities' ? error.path[1] : undefined;
    if (typeof position !== 'number' || position < 0 || position >= missing.length) return error;
    return { ...error, path: ['_entities', missing[position], ...error.path!.slice(2)] } as EntityError;
  });
  const { errors: _errors, ...rest } = response;
  return { ...rest, data: { ...(response.data as object), _entities: entities }, ...(errors && { errors }) } as GatewayGraphQLResponse;
}

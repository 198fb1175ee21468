/** The optional cache of entity fetches (GATEWAY_ENTITY_CACHE*). */
export interface EntityCacheSettings {
  /** Cache `_entities` results the subgraphs mark PUBLIC with a maxAge (GATEWAY_ENTITY_CACHE=on). Default off. */
  enabled: boolean;
  /** Entities kept in memory per gateway instance, least recently used evicted first (GATEWAY_ENTITY_CACHE_MAX_ENTRIES). Default 50000. */
  maxEntries: number;
  /** The longest an entity is kept, whatever maxAge the subgraph gives, in ms (GATEWAY_ENTITY_CACHE_MAX_TTL_MS). Default 300000. */
  maxTtlMs: number;
  /** Share entries between instances in Redis, under `<REDIS_PREFIX>:entity-cache:` (GATEWAY_ENTITY_CACHE_REDIS). Default on. */
  redis: boolean;
  /** Longest wait for a Redis read before the entity is fetched from its subgraph instead, in ms (GATEWAY_ENTITY_CACHE_REDIS_TIMEOUT_MS). Default 50. */
  redisTimeoutMs: number;
  /** Purge records kept per instance to refuse values fetched before a purge (GATEWAY_ENTITY_CACHE_MAX_PURGES). Default 100000. */
  maxPurges: number;
  /** Where the purging events are read: the transport the subgraphs' events travel on, `redis` or `nats` (EVENTS_TRANSPORT). Default redis. */
  eventsTransport: 'redis' | 'nats';
  /** The NATS servers when the events travel on JetStream (NATS_URL). Default nats://127.0.0.1:4222. */
  natsUrl: string;
}

export const DEFAULT_ENTITY_CACHE: EntityCacheSettings = {
  enabled: false,
  maxEntries: 50_000,
  maxTtlMs: 300_000,
  redis: true,
  redisTimeoutMs: 50,
  maxPurges: 100_000,
  eventsTransport: 'redis',
  natsUrl: 'nats://127.0.0.1:4222',
};

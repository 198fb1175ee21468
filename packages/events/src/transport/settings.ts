/** How the event backbone moves events (EVENTS_TRANSPORT, NATS_URL, EVENTS_NATS_*), read once at startup. */
export interface EventTransportSettings {
  /** `redis` (Redis Streams) or `nats` (NATS JetStream) (EVENTS_TRANSPORT). Default redis. */
  kind: 'redis' | 'nats';
  nats: JetStreamSettings;
}

/** The JetStream adapter's settings (used when EVENTS_TRANSPORT=nats). */
export interface JetStreamSettings {
  /** Comma-separated server URLs (NATS_URL). Default nats://127.0.0.1:4222. */
  servers: string;
  /**
   * Partitions per producer (EVENTS_NATS_PARTITIONS): an aggregate's events all go to one,
   * chosen by a hash of its id. Fixed for a deployment: changing it moves aggregates between
   * partitions while events are in flight. Default 16.
   */
  partitions: number;
  /** How long a stream keeps a message, in ms (EVENTS_NATS_MAX_AGE_MS); the producers' logs cover what it dropped. Default 7 days. */
  maxAgeMs: number;
  /** Copies of each stream in a JetStream cluster (EVENTS_NATS_REPLICAS, 1 to 5). Default 1. */
  replicas: number;
  /** Within this many ms a message re-sent with the same event id is dropped by the server (EVENTS_NATS_DUPLICATE_WINDOW_MS). Default 2 minutes. */
  duplicateWindowMs: number;
  /** Longest wait for the server to confirm a publish or answer a management request, in ms (EVENTS_NATS_PUBLISH_TIMEOUT_MS). Default 5000. */
  publishTimeoutMs: number;
}

export const DEFAULT_JETSTREAM: JetStreamSettings = {
  servers: 'nats://127.0.0.1:4222',
  partitions: 16,
  maxAgeMs: 7 * 24 * 3600_000,
  replicas: 1,
  duplicateWindowMs: 120_000,
  publishTimeoutMs: 5_000,
};

export const DEFAULT_EVENT_TRANSPORT: EventTransportSettings = { kind: 'redis', nats: DEFAULT_JETSTREAM };

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max} (got ${JSON.stringify(raw)})`);
  return value;
}

/** Reads the settings from the environment; a value that makes no sense stops the process at startup. */
export function eventTransportFromEnv(env: NodeJS.ProcessEnv = process.env): EventTransportSettings {
  const kind = (env.EVENTS_TRANSPORT ?? '').trim().toLowerCase() || DEFAULT_EVENT_TRANSPORT.kind;
  if (kind !== 'redis' && kind !== 'nats') throw new Error(`EVENTS_TRANSPORT must be redis or nats (got ${JSON.stringify(env.EVENTS_TRANSPORT)})`);
  return {
    kind,
    nats: {
      servers: env.NATS_URL?.trim() || DEFAULT_JETSTREAM.servers,
      partitions: positiveInt(env, 'EVENTS_NATS_PARTITIONS', DEFAULT_JETSTREAM.partitions, 1024),
      maxAgeMs: positiveInt(env, 'EVENTS_NATS_MAX_AGE_MS', DEFAULT_JETSTREAM.maxAgeMs),
      replicas: positiveInt(env, 'EVENTS_NATS_REPLICAS', DEFAULT_JETSTREAM.replicas, 5),
      duplicateWindowMs: positiveInt(env, 'EVENTS_NATS_DUPLICATE_WINDOW_MS', DEFAULT_JETSTREAM.duplicateWindowMs),
      publishTimeoutMs: positiveInt(env, 'EVENTS_NATS_PUBLISH_TIMEOUT_MS', DEFAULT_JETSTREAM.publishTimeoutMs),
    },
  };
}

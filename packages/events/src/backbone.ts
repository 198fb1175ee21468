import { envInt, gatewaySecret, ormLogger, type EventLogEndpoint, type Logger, type Redis, type RedisConnections } from '@wavegraph/kit';
import type { Registry } from '@wavegraph/metrics';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { EventHandler } from './apply';
import { EventConsumer, type ConsumerOptions } from './consumer';
import type { Producer } from './contract';
import { EVENT_LOG_PATH, serveLog } from './log';
import { ProducerLogs } from './log-client';
import { OutboxRelay, type RelayOptions } from './relay';
import { openEventTransport, type EventTransport } from './transport';
import { eventTransportFromEnv, type EventTransportSettings } from './transport/settings';

export interface BackboneOptions {
  /** The subgraph's own database; the backbone opens a small pool of its own beside it. */
  dataSource: DataSource;
  /** The subgraph's connections; it closes them after `stop()`. */
  redis: RedisConnections;
  prefix: string;
  log: Logger;
  /** Set when the subgraph records events in its outbox: starts a relay to its stream. */
  produces?: Producer;
  /** Set when the subgraph consumes events: starts a consumer in its group. */
  consumes?: { group: string; producers: readonly Producer[]; handlers: readonly EventHandler[]; afterApply?: ConsumerOptions['afterApply'] };
  relay?: Partial<RelayOptions>;
  consumer?: Partial<ConsumerOptions>;
  /** The subgraph's registry: outbox backlog, relayed events, consumer lag and dead letters. */
  metrics?: Registry;
  /** The key internal requests (reading a producer's log) are signed with. Default: WAVEGRAPH_GATEWAY_SECRET's. */
  secret?: string;
  /** Fixed addresses of producers' logs (otherwise EVENTS_LOG_<PRODUCER>_URL, otherwise what they advertise). */
  logUrls?: Partial<Record<Producer, string>>;
  /** How events travel: Redis Streams or NATS JetStream. Default: from the environment (EVENTS_TRANSPORT, NATS_URL, EVENTS_NATS_*; see transport/settings.ts). */
  transport?: EventTransportSettings;
}

/** EVENTS_LOG_RETENTION_HOURS (default 168: a week) and EVENTS_STREAM_RETENTION_MINUTES (default 15). */
function retentionFromEnv(): { logRetentionMs: number; streamRetentionMs: number } {
  const hours = envInt('EVENTS_LOG_RETENTION_HOURS', 168);
  const minutes = envInt('EVENTS_STREAM_RETENTION_MINUTES', 15);
  if (hours < 1) throw new Error('EVENTS_LOG_RETENTION_HOURS must be at least 1');
  if (minutes < 0) throw new Error('EVENTS_STREAM_RETENTION_MINUTES cannot be negative');
  return { logRetentionMs: hours * 3600_000, streamRetentionMs: minutes * 60_000 };
}

/**
 * A subgraph's place on the event backbone: its relay and/or consumer, on a pool of their own
 * so background work neither competes with requests for connections nor shows up in their
 * query counts.
 */
export class EventBackbone {
  readonly relay: OutboxRelay | undefined;
  readonly consumer: EventConsumer | undefined;
  private readonly redis: Redis;
  private stopping: Promise<void> | undefined;
  /** This producer's log, as the kit serves it (undefined for a context that only consumes). */
  readonly log: EventLogEndpoint | undefined;
  /** The logs of the producers it consumes (recovery and rebuilds read them). */
  readonly logs: ProducerLogs | undefined;

  private constructor(
    private readonly pool: DataSource,
    options: BackboneOptions,
    /** The transport configuration chose (Redis Streams unless EVENTS_TRANSPORT=nats). */
    readonly transport: EventTransport,
  ) {
    const { redis, prefix, log, metrics } = options;
    const secret = options.secret ?? gatewaySecret();
    // readiness and log lookups; answers at once instead of queueing while Redis is away
    this.redis = redis.open('failFast', 'events:ready', { lazyConnect: true });
    const retention = retentionFromEnv();
    if (options.produces) {
      const relay = new OutboxRelay({ dataSource: pool, redis, prefix, log, producer: options.produces, metrics, transport: transport.relay, ...retention, ...options.relay });
      this.relay = relay;
      this.log = { path: EVENT_LOG_PATH, handle: serveLog({ dataSource: pool, producer: options.produces, secret }), listening: (url) => relay.advertise(url) };
    }
    if (options.consumes) {
      const logs = new ProducerLogs({ redis: this.redis, prefix, secret, urls: options.logUrls });
      this.logs = logs;
      // an inbox row outlives the log that could send its event again, by a day
      const inbox = { inboxRetentionMs: retention.logRetentionMs + 24 * 3600_000, streamRetentionMs: retention.streamRetentionMs };
      this.consumer = new EventConsumer({ dataSource: pool, redis, prefix, log, metrics, logs, transport: transport.consumer, ...inbox, ...options.consumes, ...options.consumer });
    }
  }

  static async start(options: BackboneOptions): Promise<EventBackbone> {
    // the subgraph's connection settings, its own small pool; slow queries go to the log, uncounted by the batching probes
    const pool = new DataSource({ ...options.dataSource.options, entities: [], migrations: [], migrationsRun: false, logger: ormLogger(options.log), extra: { max: 4 } } as DataSourceOptions);
    const transport = await openEventTransport(options.transport ?? eventTransportFromEnv(), options.redis, options.prefix);
    try {
      await pool.initialize();
    } catch (error) {
      await transport.close();
      throw error;
    }
    const backbone = new EventBackbone(pool, options, transport);
    await backbone.consumer?.start();
    backbone.relay?.start();
    return backbone;
  }

  /** Readiness: Redis and the transport answer; notes which producers' events are being recovered from their logs. */
  async ping(): Promise<void | string> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
    await Promise.all([this.redis.ping(), this.transport.ping()]);
    const behind = this.consumer?.recovery?.behind() ?? [];
    if (behind.length) return `recovering from the producers' logs: ${behind.map((b) => `${b.missing} ${b.producer} event(s)`).join(', ')}`;
  }

  /** Lets the current relay round and handler finish, then closes its pool and the transport's own connection (its owner closes the Redis connections); safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([this.relay?.stop(), this.consumer?.stop()]);
      await Promise.all([this.pool.destroy(), this.transport.close()]);
    })();
    return this.stopping;
  }
}

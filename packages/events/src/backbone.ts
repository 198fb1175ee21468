import type { Logger, Redis, RedisConnections } from '@wavegraph/kit';
import type { Registry } from '@wavegraph/metrics';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { EventHandler } from './apply';
import { EventConsumer, type ConsumerOptions } from './consumer';
import type { Producer } from './contract';
import { OutboxRelay, type RelayOptions } from './relay';

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

  private constructor(
    private readonly pool: DataSource,
    options: BackboneOptions,
  ) {
    const { redis, prefix, log, metrics } = options;
    if (options.produces) {
      this.relay = new OutboxRelay({ dataSource: pool, redis, prefix, log, producer: options.produces, metrics, ...options.relay });
    }
    if (options.consumes) {
      this.consumer = new EventConsumer({ dataSource: pool, redis, prefix, log, metrics, ...options.consumes, ...options.consumer });
    }
    // readiness only; answers at once instead of queueing while Redis is away
    this.redis = redis.open('failFast', 'events:ready', { lazyConnect: true });
  }

  static async start(options: BackboneOptions): Promise<EventBackbone> {
    const pool = new DataSource({ ...options.dataSource.options, entities: [], migrations: [], migrationsRun: false, logging: false, logger: undefined, extra: { max: 4 } } as DataSourceOptions);
    await pool.initialize();
    const backbone = new EventBackbone(pool, options);
    await backbone.consumer?.start();
    backbone.relay?.start();
    return backbone;
  }

  async ping(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
    await this.redis.ping();
  }

  /** Lets the current relay round and handler finish, then closes its pool (its owner closes the Redis connections); safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([this.relay?.stop(), this.consumer?.stop()]);
      await this.pool.destroy();
    })();
    return this.stopping;
  }
}

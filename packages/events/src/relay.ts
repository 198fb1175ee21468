import type { Logger, Redis, RedisConnections } from '@wavegraph/kit';
import { eventCounters, outboxGauges, type Registry } from '@wavegraph/metrics';
import { openSpan } from '@wavegraph/telemetry';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { backoffDelay, Sleeper, type Backoff } from './backoff';
import type { Producer } from './contract';
import { encodeEnvelope, type EventEnvelope } from './envelope';
import { OUTBOX_CHANNEL } from './outbox';
import { streamOf } from './streams';

export interface RelayOptions {
  dataSource: DataSource;
  /** Its owner's connections: the relay opens one and the owner closes it, after `stop()`. */
  redis: RedisConnections;
  prefix: string;
  producer: Producer;
  log: Logger;
  batchSize?: number;
  /** How often an idle relay looks for new rows. */
  pollMs?: number;
  backoff?: Backoff;
  /** Runs after the batch reached Redis and before it is marked sent (tests crash here). */
  afterPublish?: (events: EventEnvelope[]) => Promise<void>;
  /** Where the relayed count and the outbox backlog are reported. */
  metrics?: Registry;
}

interface OutboxRow {
  position: string;
  event_id: string;
  type: string;
  version: number;
  aggregate_id: string;
  occurred_at: Date;
  payload: unknown;
  trace: Record<string, string>;
  attempts: number;
}

/*
 * Claims the oldest unsent rows that no other relay holds. A row is only taken when every
 * earlier unsent row of its aggregate is in the same batch: one aggregate's events never
 * overtake each other, even with several relays or a row waiting out its backoff.
 */
const CLAIM = `
  WITH claimed AS MATERIALIZED (
    SELECT position, aggregate_id FROM outbox
    WHERE published_at IS NULL AND next_attempt_at <= now()
    ORDER BY position LIMIT $1
    FOR UPDATE SKIP LOCKED
  )
  SELECT o.position, o.event_id, o.type, o.version, o.aggregate_id, o.occurred_at, o.payload, o.trace, o.attempts
  FROM outbox o JOIN claimed c ON c.position = o.position
  WHERE NOT EXISTS (
    SELECT 1 FROM outbox earlier
    WHERE earlier.aggregate_id = c.aggregate_id AND earlier.published_at IS NULL
      AND earlier.position < c.position AND earlier.position NOT IN (SELECT position FROM claimed)
  )
  ORDER BY o.position`;

/** What waits in the outbox: read at each scrape, never on the relay's own path. */
const BACKLOG = `
  SELECT count(*)::int AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at)), 0)::float8 AS age
  FROM outbox WHERE published_at IS NULL`;

const toEnvelope = (row: OutboxRow): EventEnvelope => ({
  id: row.event_id,
  type: row.type,
  version: row.version,
  occurredAt: row.occurred_at.toISOString(),
  aggregateId: row.aggregate_id,
  position: Number(row.position),
  trace: row.trace,
  payload: row.payload,
});

/**
 * Moves outbox rows to the producer's Redis stream. Publish-then-mark inside one
 * transaction: a crash in between sends the batch again (consumers drop the duplicates),
 * never loses it. When Redis refuses, the row waits with exponential backoff and jitter.
 */
export class OutboxRelay {
  private readonly redis: Redis;
  private readonly sleeper = new Sleeper();
  private readonly stream: string;
  private readonly batchSize: number;
  private readonly backoff: Backoff;
  private loop: Promise<void> | undefined;
  private listener: Client | undefined;
  private running = false;
  private readonly relayed: { inc(value: number): void } | undefined;
  private unwatch: (() => void) | undefined;

  constructor(private readonly options: RelayOptions) {
    // fail fast while Redis is away: the outbox is the queue, not ioredis' offline buffer
    this.redis = options.redis.open('failFast', `relay:${options.producer}`, { lazyConnect: true });
    this.stream = streamOf(options.prefix, options.producer);
    this.batchSize = options.batchSize ?? 100;
    this.backoff = options.backoff ?? { baseMs: 200, maxMs: 10_000 };
    this.relayed = options.metrics && eventCounters(options.metrics).relayed.labels(options.producer);
    // shown at 0 from the start, so rate() and alerts see the series before the first event
    this.relayed?.inc(0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unwatch = this.options.metrics && this.watchBacklog(this.options.metrics);
    this.loop = this.run();
    void this.listen();
  }

  /**
   * LISTENs for commits that recorded events, so they go out at once rather than at the next
   * poll. Polling stays as the safety net: without the listener we are only slower.
   */
  private async listen(): Promise<void> {
    const url = (this.options.dataSource.options as { url?: string }).url;
    if (!url) return;
    const client = new Client({ connectionString: url });
    client.on('error', (error) => this.options.log.warn({ err: error }, 'outbox listener lost; polling only'));
    client.on('notification', () => this.sleeper.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (!this.running) throw new Error('stopped');
      this.listener = client;
    } catch {
      await client.end().catch(() => undefined);
    }
  }

  /** Look for rows now instead of at the next poll. */
  wake(): void {
    this.sleeper.wake();
  }

  private watchBacklog(metrics: Registry): () => void {
    const context = this.options.producer;
    return outboxGauges(metrics).watch(async () => {
      const [row] = (await this.options.dataSource.query(BACKLOG)) as { backlog: number; age: number }[];
      return [{ labels: { context }, values: { backlog: row.backlog, oldestAge: row.age } }];
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.sleeper.stop();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** One claim → publish → mark round; returns how many events reached Redis. */
  async relayOnce(): Promise<number> {
    await this.connect();
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows: OutboxRow[] = await runner.query(CLAIM, [this.batchSize]);
      if (!rows.length) {
        await runner.commitTransaction();
        return 0;
      }
      const sent = await this.publish(runner, rows);
      await runner.commitTransaction();
      return sent;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async publish(runner: QueryRunner, rows: OutboxRow[]): Promise<number> {
    const events = rows.map(toEnvelope);
    const pipeline = this.redis.pipeline();
    for (const event of events) pipeline.xadd(this.stream, '*', ...encodeEnvelope(event));
    // one producer span per event, in the trace of the request that wrote it
    const spans = events.map((event) =>
      openSpan(`relay ${event.type}`, { kind: 'producer', parent: event.trace, attributes: { 'messaging.system': 'redis', 'messaging.destination.name': this.stream, 'messaging.message.id': event.id } }),
    );
    const results = await pipeline.exec().catch((error: Error) => rows.map(() => [error, null] as [Error, null]));
    spans.forEach((span, i) => span.end(results?.[i]?.[0] ?? undefined));
    // Redis applies a pipeline in order: everything before the first failure is in the stream
    const failedAt = (results ?? []).findIndex(([error]) => error !== null);
    const sent = failedAt === -1 ? rows.length : failedAt;
    if (sent > 0) {
      this.relayed?.inc(sent);
      await this.options.afterPublish?.(events.slice(0, sent));
      await runner.query('UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE position = ANY($1::bigint[])', [
        rows.slice(0, sent).map((row) => row.position),
      ]);
    }
    if (sent < rows.length) {
      const reason = String((results?.[sent]?.[0] as Error | undefined)?.message ?? 'no reply from Redis');
      const waiting = rows.slice(sent);
      await runner.query(
        `UPDATE outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = now() + make_interval(secs => d.ms / 1000)
         FROM unnest($1::bigint[], $2::float8[]) AS d(position, ms) WHERE outbox.position = d.position`,
        [waiting.map((row) => row.position), waiting.map((row) => backoffDelay(row.attempts + 1, this.backoff)), reason],
      );
      this.options.log.warn({ stream: this.stream, waiting: rows.length - sent, attempts: rows[sent].attempts + 1, reason }, 'events not relayed; will retry');
    }
    return sent;
  }

  private async connect(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 100;
    let failures = 0;
    while (this.running) {
      try {
        const sent = await this.relayOnce();
        failures = 0;
        if (sent < this.batchSize) await this.sleeper.sleep(pollMs);
      } catch (error) {
        failures += 1;
        this.options.log.error({ err: error, stream: this.stream }, 'outbox relay round failed');
        await this.sleeper.sleep(backoffDelay(failures, this.backoff));
      }
    }
  }
}

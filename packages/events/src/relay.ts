import type { Logger, Redis, RedisConnections } from '@wavegraph/kit';
import { eventCounters, outboxGauges, type Registry } from '@wavegraph/metrics';
import { openSpan } from '@wavegraph/telemetry';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { backoffDelay, Sleeper, type Backoff } from './backoff';
import type { Producer } from './contract';
import type { EventEnvelope } from './envelope';
import { advertiseLog } from './log-client';
import { envelopeOfRow, OUTBOX_CHANNEL, type OutboxRow } from './outbox';
import type { RelayTransport } from './transport/port';
import { RedisStreamsRelay } from './transport/redis-streams';

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
  /** Runs after the batch reached the transport and before it is marked sent (tests crash here). */
  afterPublish?: (events: EventEnvelope[]) => Promise<void>;
  /** Where the relayed count and the outbox backlog are reported. */
  metrics?: Registry;
  /** How long sent events stay in the durable log (the outbox) for consumers to recover from. Default 7 days. */
  logRetentionMs?: number;
  /** How long acknowledged entries stay in the stream before they are trimmed. Default 15 minutes. */
  streamRetentionMs?: number;
  /** How often the stream is trimmed, the log pruned and its address advertised again. Default 10 s. */
  maintainEveryMs?: number;
  /**
   * Where the events go. Default: the producer's Redis stream on `redis` (see transport/); the
   * log's address is advertised in Redis whatever the transport.
   */
  transport?: RelayTransport;
}

/** The defaults of RelayOptions, resolved once. */
export const RELAY_DEFAULTS = {
  batchSize: 100,
  pollMs: 100,
  logRetentionMs: 7 * 24 * 3600_000,
  streamRetentionMs: 15 * 60_000,
  maintainEveryMs: 10_000,
} as const;

interface ClaimedRow extends OutboxRow {
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

/*
 * One relay at a time numbers and sends a producer's events, so the stream holds them in `seq`
 * order without gaps; another replica's relay finds the lock taken and tries again at its next poll.
 */
const TAKE_TURN = `SELECT pg_try_advisory_xact_lock(hashtext('wavegraph_outbox_relay')) AS taken`;
const LAST_SEQ = 'SELECT COALESCE(max(seq), 0)::text AS seq FROM outbox WHERE seq IS NOT NULL';
/* Sent rows past the retention, a batch at a time; the newest sent row always stays, so numbering goes on from it. */
const PRUNE = `
  DELETE FROM outbox WHERE position IN (
    SELECT position FROM outbox
    WHERE published_at < now() - make_interval(secs => $1::float8 / 1000)
      AND seq < (SELECT max(seq) FROM outbox WHERE seq IS NOT NULL)
    ORDER BY position LIMIT 10000)`;

/**
 * Moves outbox rows to the producer's Redis stream. Publish-then-mark inside one
 * transaction: a crash in between sends the batch again (consumers drop the duplicates),
 * never loses it. When Redis refuses, the row waits with exponential backoff and jitter.
 * Sent rows keep their `seq` and stay as the producer's durable log for `logRetentionMs`;
 * the stream only holds what some group still needs, for `streamRetentionMs` at least.
 */
export class OutboxRelay {
  private readonly redis: Redis;
  private readonly sleeper = new Sleeper();
  private readonly listenPause = new Sleeper();
  private readonly stream: string;
  private readonly transport: RelayTransport;
  private readonly batchSize: number;
  private readonly backoff: Backoff;
  private loop: Promise<void> | undefined;
  private listener: Client | undefined;
  private running = false;
  private readonly relayed: { inc(value: number): void } | undefined;
  private unwatch: (() => void) | undefined;
  private maintaining: Promise<void> | undefined;
  private readonly maintainPause = new Sleeper();
  private advertised: string | undefined;

  constructor(private readonly options: RelayOptions) {
    // fail fast while Redis is away: the outbox is the queue, not ioredis' offline buffer
    this.redis = options.redis.open('failFast', `relay:${options.producer}`, { lazyConnect: true });
    this.transport = options.transport ?? new RedisStreamsRelay(this.redis, options.prefix);
    this.stream = this.transport.destinationOf(options.producer);
    this.batchSize = options.batchSize ?? RELAY_DEFAULTS.batchSize;
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
    this.maintaining = this.maintainLoop();
    void this.listen();
  }

  /** Where consumers find this producer's log (this replica's base URL); kept fresh in Redis. */
  advertise(baseUrl: string): Promise<void> {
    this.advertised = baseUrl;
    return this.connect().then(() => advertiseLog(this.redis, this.options.prefix, this.options.producer, baseUrl, this.advertiseTtl()));
  }

  private advertiseTtl(): number {
    return Math.max(5, Math.ceil((3 * (this.options.maintainEveryMs ?? RELAY_DEFAULTS.maintainEveryMs)) / 1000));
  }

  /** Trims what every group acknowledged past the stream's retention; prunes the log past its own. */
  async maintainOnce(): Promise<{ trimmed: number; pruned: number }> {
    await this.connect();
    const retention = this.options.streamRetentionMs ?? RELAY_DEFAULTS.streamRetentionMs;
    const { trimmed } = (await this.transport.maintain?.(this.options.producer, retention)) ?? { trimmed: 0 };
    const result = (await this.options.dataSource.query(PRUNE, [this.options.logRetentionMs ?? RELAY_DEFAULTS.logRetentionMs])) as [unknown, number];
    if (this.advertised) await advertiseLog(this.redis, this.options.prefix, this.options.producer, this.advertised, this.advertiseTtl());
    return { trimmed, pruned: Number(result[1] ?? 0) };
  }

  private async maintainLoop(): Promise<void> {
    const every = this.options.maintainEveryMs ?? RELAY_DEFAULTS.maintainEveryMs;
    while (this.running) {
      await this.maintainPause.sleep(every);
      if (!this.running) return;
      await this.maintainOnce().catch((error: unknown) => this.options.log.warn({ err: error, stream: this.stream }, 'trimming the stream or pruning the log failed; will retry'));
    }
  }

  /**
   * LISTENs for commits that recorded events, so they go out at once rather than at the next
   * poll. Polling stays as the safety net: without the listener we are only slower. A lost
   * connection (Postgres restarted) is opened again with backoff for as long as the relay runs.
   */
  private async listen(): Promise<void> {
    const url = (this.options.dataSource.options as { url?: string }).url;
    if (!url) return;
    let failures = 0;
    while (this.running) {
      const client = new Client({ connectionString: url });
      const lost = new Promise<void>((resolve) => {
        client.on('error', (error) => {
          this.options.log.warn({ err: error }, 'outbox listener lost; polling until it is back');
          resolve();
        });
        client.on('end', () => resolve());
      });
      client.on('notification', () => this.sleeper.wake());
      try {
        await client.connect();
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        if (!this.running) throw new Error('stopped');
        this.listener = client;
        failures = 0;
        // rows committed while the listener was away are picked up at once
        this.sleeper.wake();
        await lost;
      } catch {
        failures += 1;
      }
      this.listener = undefined;
      await client.end().catch(() => undefined);
      if (this.running) await this.listenPause.sleep(backoffDelay(Math.max(1, failures), this.backoff));
    }
  }

  /** Whether commits reach the relay at once (the LISTEN connection is up). */
  get listening(): boolean {
    return this.listener !== undefined;
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
    this.listenPause.stop();
    this.maintainPause.stop();
    await Promise.all([this.loop, this.maintaining]);
    await this.listener?.end().catch(() => undefined);
  }

  /** One claim → publish → mark round; returns how many events reached the transport. */
  async relayOnce(): Promise<number> {
    await this.connect();
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [turn] = (await runner.query(TAKE_TURN)) as { taken: boolean }[];
      const rows: ClaimedRow[] = turn.taken ? await runner.query(CLAIM, [this.batchSize]) : [];
      if (!rows.length) {
        await runner.commitTransaction();
        return 0;
      }
      const [last] = (await runner.query(LAST_SEQ)) as { seq: string }[];
      const sent = await this.publish(runner, rows, Number(last.seq));
      await runner.commitTransaction();
      return sent;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async publish(runner: QueryRunner, rows: ClaimedRow[], lastSeq: number): Promise<number> {
    const events = rows.map((row, i) => envelopeOfRow(row, lastSeq + 1 + i));
    // one producer span per event, in the trace of the request that wrote it
    const spans = events.map((event) =>
      openSpan(`relay ${event.type}`, { kind: 'producer', parent: event.trace, attributes: { 'messaging.system': this.transport.system, 'messaging.destination.name': this.stream, 'messaging.message.id': event.id } }),
    );
    const outcome = await this.transport.publish(this.options.producer, events).catch((error: Error) => ({ sent: 0, error }));
    // the transport holds a prefix of the batch: those are sent, the rest waits
    const { sent } = outcome;
    spans.forEach((span, i) => span.end(i < sent ? undefined : (outcome.error ?? new Error('not sent'))));
    if (sent > 0) {
      this.relayed?.inc(sent);
      await this.options.afterPublish?.(events.slice(0, sent));
      await runner.query(
        `UPDATE outbox SET published_at = now(), seq = d.seq, attempts = attempts + 1, last_error = NULL
         FROM unnest($1::bigint[], $2::bigint[]) AS d(position, seq) WHERE outbox.position = d.position`,
        [rows.slice(0, sent).map((row) => row.position), events.slice(0, sent).map((event) => event.seq)],
      );
    }
    if (sent < rows.length) {
      const reason = String(outcome.error?.message ?? 'no reply from the transport');
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
    const pollMs = this.options.pollMs ?? RELAY_DEFAULTS.pollMs;
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

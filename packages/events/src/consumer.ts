import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { runWithTrace, type Logger, type Redis, type RedisConnections } from '@wavegraph/kit';
import { consumerGauges, eventCounters, type Registry } from '@wavegraph/metrics';
import { inSpan } from '@wavegraph/telemetry';
import type { DataSource } from 'typeorm';
import { BatchTransaction, handlersByType, type EventHandler } from './apply';
import { Sleeper } from './backoff';
import type { Producer } from './contract';
import { decodeEnvelope, encodeEnvelope, fieldsToRecord, PoisonMessage, TYPE_FIELD, type EventEnvelope } from './envelope';
import type { ProducerLogs } from './log-client';
import { markSeen, type SeenPosition } from './positions';
import { LogRecovery, type RecoveryOptions } from './recovery';
import { deadLetterStreamOf, recoverRequestKey, streamOf } from './streams';
import type { ConsumerTransport, Delivery, Lane, Subscription } from './transport/port';
import { RedisStreamsTransport } from './transport/redis-streams';

export interface ConsumerOptions {
  dataSource: DataSource;
  /**
   * Its owner's connections: the consumer opens a blocking reader and a command connection, and
   * the owner closes them after `stop()` (which drops the reader itself, to end a blocked read).
   */
  redis: RedisConnections;
  prefix: string;
  /** The consuming context; one consumer group (Redis) or set of durable consumers (JetStream) per context, shared by its replicas. */
  group: string;
  producers: readonly Producer[];
  handlers: readonly EventHandler[];
  log: Logger;
  /** Unique per process; defaults to host, pid and a random suffix. */
  consumerName?: string;
  /** Deliveries after which a failing message goes to the dead-letter stream. */
  maxDeliveries?: number;
  /** A message unacknowledged this long is taken over (its consumer died or its handler failed). */
  reclaimIdleMs?: number;
  blockMs?: number;
  batchSize?: number;
  /** Called after events were applied and committed (e.g. to invalidate caches). */
  afterApply?: (events: EventEnvelope[]) => void | Promise<void>;
  /** Where the group's lag, pending messages, dead letters and outcomes are reported. */
  metrics?: Registry;
  /**
   * The producers' durable logs: when given, the consumer compares what it has seen with them
   * and applies what its transport lost (see LogRecovery).
   */
  logs?: ProducerLogs;
  /** How often it compares with the producers' logs. Default 5 s. */
  recoverEveryMs?: number;
  /** Grace periods of the comparison (see RecoveryOptions). */
  recovery?: Partial<Pick<RecoveryOptions, 'gapGraceMs' | 'tailGraceMs' | 'maxPerRound'>>;
  /** How long applied event ids stay in the inbox (no log keeps an event longer). Default 8 days. */
  inboxRetentionMs?: number;
  /** How long acknowledged entries of the group's retry stream stay. Default 15 minutes. */
  streamRetentionMs?: number;
  /** How often the inbox is pruned, the retry stream trimmed and dead consumers removed. Default 30 s. */
  maintainEveryMs?: number;
  /**
   * A consumer of the group idle this long with nothing pending is gone and leaves the group.
   * Default: the largest of a minute, 10 × blockMs and 2 × reclaimIdleMs.
   */
  deadConsumerIdleMs?: number;
  /**
   * Where the events come from. Default: Redis Streams on `redis` (see transport/). Dead letters,
   * operator requests and handler errors stay in Redis whatever the transport.
   */
  transport?: ConsumerTransport;
}

/** The defaults of ConsumerOptions, resolved once. */
export const CONSUMER_DEFAULTS = {
  maxDeliveries: 5,
  reclaimIdleMs: 30_000,
  blockMs: 2_000,
  batchSize: 50,
  recoverEveryMs: 5_000,
  inboxRetentionMs: 8 * 24 * 3600_000,
  streamRetentionMs: 15 * 60_000,
  maintainEveryMs: 30_000,
} as const;

type Outcome = 'applied' | 'duplicate' | 'skipped' | 'failed' | 'dead_lettered';

/** What one batch applied so far, in its transaction (opened by the first event that needs it). */
interface Batch {
  tx?: BatchTransaction;
  done: { delivery: Delivery; event: EventEnvelope; fresh: boolean }[];
}
const OUTCOMES: readonly Outcome[] = ['applied', 'duplicate', 'skipped', 'failed', 'dead_lettered'];

/** The log position an entry carries beside its type (entries written by tools have none). */
function seenOf(type: string, seq: string | undefined): SeenPosition | null {
  return seq && /^[1-9][0-9]*$/.test(seq) ? { producer: type.slice(0, type.indexOf('.')), seq: Number(seq) } : null;
}

/** Connection-level failures (database down or restarting), as opposed to a handler's own error. */
export function isTransient(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  const message = String((error as Error | undefined)?.message ?? '');
  return (
    code.startsWith('08') ||
    code.startsWith('57P') ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  );
}

/**
 * Reads the producers' events as a consumer group and applies each event once. A failed
 * message is delivered again after `reclaimIdleMs` (to whichever replica takes it); after
 * `maxDeliveries` it goes to the group's dead letters with its last error. What moves the
 * messages is the transport (Redis Streams by default, see transport/); what is decided about
 * them is here.
 */
export class EventConsumer {
  readonly name: string;
  private readonly redis: Redis;
  private readonly subscription: Subscription;
  private readonly handlers: Map<string, EventHandler[]>;
  private readonly handledTypes: Set<string>;
  private readonly errorsKey: string;
  /** One per lane's read loop: each waits on its own. */
  private readonly readPauses: Sleeper[] = [];
  private readonly reclaimPause = new Sleeper();
  private readonly recoverPause = new Sleeper();
  private readonly maintainPause = new Sleeper();
  /** Compares with the producers' logs (when the consumer was given them). */
  readonly recovery: LogRecovery | undefined;
  private readonly recovered: ((producer: string) => { inc(value: number): void }) | undefined;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly outcomes: Record<Outcome, { inc(): void }> | undefined;
  private unwatch: (() => void) | undefined;
  private resetting: Promise<void> | undefined;

  constructor(private readonly options: ConsumerOptions) {
    this.name = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.redis = options.redis.open('command', `consumer:${options.group}`, { lazyConnect: true });
    this.handlers = handlersByType(options.handlers);
    this.handledTypes = new Set([...this.handlers.values()].flat().map((h) => h.contract.type));
    this.errorsKey = `${options.prefix}:events:errors:${options.group}`;
    const transport = options.transport ?? new RedisStreamsTransport({ redis: options.redis, prefix: options.prefix, command: this.redis });
    const reclaimIdleMs = options.reclaimIdleMs ?? CONSUMER_DEFAULTS.reclaimIdleMs;
    this.subscription = transport.subscribe({
      group: options.group,
      producers: options.producers,
      consumerName: this.name,
      reclaimIdleMs,
      maxDeliveries: options.maxDeliveries ?? CONSUMER_DEFAULTS.maxDeliveries,
      streamRetentionMs: options.streamRetentionMs ?? CONSUMER_DEFAULTS.streamRetentionMs,
      deadConsumerIdleMs: options.deadConsumerIdleMs ?? Math.max(60_000, 10 * (options.blockMs ?? CONSUMER_DEFAULTS.blockMs), 2 * reclaimIdleMs),
    });
    if (options.logs) {
      this.recovery = new LogRecovery({
        dataSource: options.dataSource, group: options.group, producers: options.producers, handlers: this.handlers, handledTypes: this.handledTypes,
        logs: options.logs, log: options.log, afterApply: options.afterApply, ...options.recovery,
        deadLetter: (event, reason) => this.deadLetterFromLog(event, reason),
        drained: (producer) => this.subscription.drained(producer),
      });
    }
    const counters = options.metrics && eventCounters(options.metrics);
    this.recovered = counters && ((producer) => counters.recovered.labels(options.group, producer));
    for (const producer of options.logs ? options.producers : []) this.recovered?.(producer).inc(0);
    const handled = options.metrics && eventCounters(options.metrics).handled;
    // every outcome shown at 0 from the start, so rate() and alerts see the series before the first event
    this.outcomes = handled && (Object.fromEntries(OUTCOMES.map((outcome) => {
      const child = handled.labels(options.group, outcome);
      child.inc(0);
      return [outcome, child];
    })) as Record<Outcome, { inc(): void }>);
  }

  private get maxDeliveries(): number {
    return this.options.maxDeliveries ?? CONSUMER_DEFAULTS.maxDeliveries;
  }

  private get reclaimIdleMs(): number {
    return this.options.reclaimIdleMs ?? CONSUMER_DEFAULTS.reclaimIdleMs;
  }

  /** The group's position on each of its sources and its dead letters, as a scrape reads them. */
  private watchGroup(metrics: Registry): () => void {
    const group = this.options.group;
    return consumerGauges(metrics).watch(async () => {
      // lag is null when the transport cannot tell (Redis: entries deleted mid-stream): then no lag series for it
      const samples = (await this.subscription.positions()).map(({ stream, pending, lag }) => ({ labels: { group, stream }, values: { pending, ...(lag !== null && { lag }) } }));
      const dead = await this.redis.xlen(deadLetterStreamOf(this.options.prefix, group));
      // what the last comparison with each producer's log found missing (0: caught up)
      const behind = (this.recovery?.lastRound?.producers ?? []).map((p) => ({ labels: { group, producer: p.producer }, values: { missing: p.missing } }));
      return [...samples, { labels: { group }, values: { deadLetters: dead } }, ...behind];
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.redis.connect();
    await this.subscription.open();
    this.running = true;
    this.unwatch = this.options.metrics && this.watchGroup(this.options.metrics);
    const lanes = this.subscription.lanes();
    this.loops = [...lanes.map((lane) => this.readLoop(lane)), ...(lanes.some((lane) => lane.reclaim) ? [this.reclaimLoop()] : []), this.maintainLoop(), ...(this.recovery ? [this.recoverLoop()] : [])];
  }

  private stopping: Promise<void> | undefined;

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    for (const pause of this.readPauses) pause.stop();
    this.reclaimPause.stop();
    this.recoverPause.stop();
    this.maintainPause.stop();
    this.subscription.interrupt();
    await Promise.allSettled(this.loops);
    await this.subscription.close();
  }

  /**
   * A transport that came back without our group's state (Redis without persistence or after a
   * failover to a lagging replica, a JetStream server with an empty store) gets it again, and
   * what it lost is applied from the producers' logs before reading on, so the events of one
   * aggregate are applied in their order. Lanes that notice at once share one reset.
   */
  private async recoverGroups(error?: unknown): Promise<void> {
    if (this.resetting) return this.resetting;
    if (!(await this.subscription.lost(error).catch(() => false))) return;
    this.resetting ??= (async () => {
      this.options.log.warn({ group: this.options.group }, 'the transport lost this group: recreating it and reading what it lost from the producers\' logs');
      await this.subscription.reset().catch((e: unknown) => this.options.log.warn({ err: e, group: this.options.group }, 'recreating the group failed; will retry'));
      await this.recoverNow({ graceMs: 0 });
    })().finally(() => {
      this.resetting = undefined;
    });
    return this.resetting;
  }

  /** Compares with the producers' logs now and applies what is missing; reports what it did. */
  async recoverNow(overrides: { graceMs?: number } = {}): Promise<void> {
    if (!this.recovery) return;
    const round = await this.recovery.check(overrides);
    for (const p of round.producers) if (p.recovered) this.recovered?.(p.producer).inc(p.recovered);
  }

  private async recoverLoop(): Promise<void> {
    const every = this.options.recoverEveryMs ?? CONSUMER_DEFAULTS.recoverEveryMs;
    while (this.running) {
      await this.recoverPause.sleep(every);
      if (!this.running) return;
      try {
        // a transport that reports no error when it lost the group's state is asked
        await this.recoverGroups();
        await this.operatorRequest();
        await this.recoverNow();
      } catch (error) {
        this.options.log.error({ err: error, group: this.options.group }, 'comparing with the producers\' logs failed');
      }
    }
  }

  /**
   * `wavegraph-events recover <group>` leaves a request in Redis: read again from the given
   * numbers (or only what is missing), without waiting out the grace periods, and say what was done.
   */
  private async operatorRequest(): Promise<void> {
    const key = recoverRequestKey(this.options.prefix, this.options.group);
    const raw = await this.redis.getdel(key);
    if (!raw) return;
    const request = JSON.parse(raw) as { id: string; from?: Partial<Record<Producer, number>> };
    for (const [producer, from] of Object.entries(request.from ?? {})) {
      if (this.options.producers.includes(producer as Producer) && typeof from === 'number') await this.recovery?.rewind(producer as Producer, from);
    }
    const round = await this.recovery!.check({ graceMs: 0 });
    for (const p of round.producers) if (p.recovered) this.recovered?.(p.producer).inc(p.recovered);
    await this.redis.set(`${key}:done:${request.id}`, JSON.stringify(round), 'EX', 600);
  }

  /** Inbox rows past their retention go; so does the transport's own leftover (Redis: acknowledged retries, consumers that died). */
  async maintainOnce(): Promise<{ pruned: number; trimmed: number; removedConsumers: string[] }> {
    const retention = this.options.inboxRetentionMs ?? CONSUMER_DEFAULTS.inboxRetentionMs;
    const result = (await this.options.dataSource.query(
      `DELETE FROM inbox WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM inbox WHERE consumer = $1 AND processed_at < now() - make_interval(secs => $2::float8 / 1000) LIMIT 10000)`,
      [this.options.group, retention],
    )) as [unknown, number];
    const { trimmed, removedConsumers } = (await this.subscription.maintain?.()) ?? { trimmed: 0, removedConsumers: [] };
    if (removedConsumers.length) this.options.log.info({ group: this.options.group, removed: removedConsumers }, 'consumers that stopped reading left the group');
    return { pruned: Number(result[1] ?? 0), trimmed, removedConsumers };
  }

  private async maintainLoop(): Promise<void> {
    const every = this.options.maintainEveryMs ?? CONSUMER_DEFAULTS.maintainEveryMs;
    while (this.running) {
      await this.maintainPause.sleep(every);
      if (!this.running) return;
      await this.maintainOnce().catch((error: unknown) => this.options.log.warn({ err: error, group: this.options.group }, 'pruning the inbox or the retry stream failed; will retry'));
    }
  }

  /** Reads new messages once on every lane and handles them; returns how many it saw. */
  async readOnce(blockMs = this.options.blockMs ?? CONSUMER_DEFAULTS.blockMs): Promise<number> {
    const seen = await Promise.all(this.subscription.lanes().map((lane) => this.readLane(lane, blockMs)));
    return seen.reduce((a, b) => a + b, 0);
  }

  private async readLane(lane: Lane, blockMs: number): Promise<number> {
    const deliveries = await lane.next(blockMs, this.options.batchSize ?? CONSUMER_DEFAULTS.batchSize);
    // one source at a time, in the order the transport gave them
    const bySource = new Map<string, Delivery[]>();
    for (const d of deliveries) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
    for (const batch of bySource.values()) await this.handleDeliveries(lane, batch);
    return deliveries.length;
  }

  /** Takes over messages idle longer than `reclaimIdleMs` where the transport does not redeliver them itself; dead-letters those failed too often. */
  async reclaimOnce(): Promise<number> {
    // while our database is away nothing could be applied: retrying now would only use up deliveries
    if (!(await this.databaseUp())) return 0;
    let reclaimed = 0;
    for (const lane of this.subscription.lanes()) {
      if (!lane.reclaim) continue;
      for await (const delivery of lane.reclaim(this.reclaimIdleMs, () => this.running)) {
        if (!(await this.exhausted(lane, delivery))) {
          await this.handleDeliveries(lane, [delivery]);
          reclaimed += 1;
        }
      }
    }
    return reclaimed;
  }

  /** A delivery past `maxDeliveries` goes to the dead letters with its last error instead of its handlers. */
  private async exhausted(lane: Lane, delivery: Delivery): Promise<boolean> {
    if (delivery.deliveries <= this.maxDeliveries) return false;
    const failed = delivery.deliveries - 1;
    const lastError = (await this.redis.get(this.errorKey(delivery))) ?? 'no error recorded';
    await this.deadLetter(lane, delivery, `failed ${failed} deliveries; last error: ${lastError}`, failed);
    return true;
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await this.options.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Handles a batch from one source in order. What handlers apply goes into one transaction
   * (a savepoint per event) committed at the end, then acknowledged at once: one commit and one
   * acknowledgement per batch. Nothing is acknowledged before it committed.
   */
  private async handleDeliveries(lane: Lane, deliveries: Delivery[]): Promise<void> {
    const batch: Batch = { done: [] };
    // entries of types this context does not consume: passed over together, seen and acknowledged at once
    const passed: { delivery: Delivery; seen: SeenPosition | null }[] = [];
    let failure: unknown;
    try {
      for (const delivery of deliveries) {
        // what is not handled stays unacknowledged and is delivered again after a restart
        if (!this.running) break;
        const record = fieldsToRecord(delivery.fields);
        const type = TYPE_FIELD.exec(record.type ?? '') ? record.type.split('@')[0] : undefined;
        if (type !== undefined && !this.handledTypes.has(type)) {
          passed.push({ delivery, seen: seenOf(type, record.seq) });
          continue;
        }
        if (await this.exhausted(lane, delivery)) continue;
        await this.handleEntry(lane, delivery, type, batch);
      }
    } catch (error) {
      failure = error;
    }
    const committed = await this.settle(lane, batch, failure === undefined);
    if (passed.length) await this.passOver(lane, passed);
    // whatever was committed is reported, even when a later entry stopped the batch
    const applied = committed.flatMap((d) => (d.fresh ? [d.event] : []));
    if (applied.length) await this.options.afterApply?.(applied);
    if (failure !== undefined) throw failure;
  }

  /** Commits the batch's transaction (or drops it after a failure), then acknowledges what it committed. */
  private async settle(lane: Lane, batch: Batch, commit: boolean): Promise<Batch['done']> {
    if (!batch.tx) return [];
    if (!commit) {
      // the database failed: nothing of this batch is applied; all of it is delivered again
      await batch.tx.rollback().catch(() => undefined);
      return [];
    }
    await batch.tx.commit();
    for (const d of batch.done) (d.fresh ? this.outcomes?.applied : this.outcomes?.duplicate)?.inc();
    // committed: a failed acknowledgement only means a redelivery, which the inbox skips
    const deliveries = batch.done.map((d) => d.delivery);
    await Promise.all([lane.ack(deliveries), ...deliveries.map((d) => this.forgetError(d))]).catch((error: unknown) =>
      this.options.log.warn({ err: error, group: this.options.group, count: deliveries.length }, 'acknowledgement failed; the events will be skipped when redelivered'),
    );
    return batch.done;
  }

  private async passOver(lane: Lane, passed: { delivery: Delivery; seen: SeenPosition | null }[]): Promise<void> {
    await markSeen(this.options.dataSource, this.options.group, passed.flatMap((p) => (p.seen ? [p.seen] : [])));
    await lane.ack(passed.map((p) => p.delivery));
    for (const _ of passed) this.outcomes?.skipped.inc();
  }

  private errorKey(delivery: Delivery): string {
    // Redis entry ids are unique per stream already; a JetStream sequence is unique per stream, its source names the subject
    return this.subscription.system === 'redis' ? `${this.errorsKey}:${delivery.id}` : `${this.errorsKey}:${delivery.source}:${delivery.id}`;
  }

  /** Only a redelivery can have an error recorded: a first delivery skips the round trip. */
  private forgetError(delivery: Delivery): Promise<unknown> {
    return delivery.deliveries > 1 ? this.redis.del(this.errorKey(delivery)) : Promise.resolve();
  }

  /** Applies one delivery inside the batch's transaction; a failure of its own is rolled back alone and retried later. */
  private async handleEntry(lane: Lane, delivery: Delivery, type: string | undefined, batch: Batch): Promise<void> {
    const { source, id, fields } = delivery;
    if (type === undefined) {
      // no readable type: not an event any producer wrote; an operator looks at it
      await this.deadLetter(lane, delivery, `entry has no valid "type" field (got ${JSON.stringify(fieldsToRecord(fields).type ?? null)})`, 1);
      return;
    }
    try {
      const event = decodeEnvelope(fields);
      const handlers = this.handlers.get(`${event.type}@${event.version}`);
      if (!handlers) throw new PoisonMessage(`${this.options.group} has no handler for ${event.type} version ${event.version}`);
      batch.tx ??= await BatchTransaction.open(this.options.dataSource);
      const tx = batch.tx;
      // the handler's work (its SQL, the events it records) is a child of the span that wrote the event
      const attributes = { 'messaging.system': this.subscription.system, 'messaging.destination.name': source, 'messaging.consumer.group.name': this.options.group, 'messaging.message.id': event.id };
      const fresh = await runWithTrace(event.trace, () => inSpan(`consume ${event.type}`, { kind: 'consumer', parent: event.trace, attributes }, () => tx.apply(this.options.group, event, handlers)));
      batch.done.push({ delivery, event, fresh });
    } catch (error) {
      if (error instanceof PoisonMessage) {
        await this.deadLetter(lane, delivery, error.message, delivery.deliveries);
        return;
      }
      if (isTransient(error)) {
        // the database is away: not this message's fault; given back at once, the loop waits for the database before reading on
        await lane.retryLater(delivery, 1_000).catch(() => undefined);
        throw error;
      }
      // delivered again after reclaimIdleMs, to this or another consumer
      this.outcomes?.failed.inc();
      const ttl = Math.ceil((this.reclaimIdleMs * this.maxDeliveries * 4) / 1000);
      await this.redis.set(this.errorKey(delivery), String((error as Error).message), 'EX', ttl).catch(() => undefined);
      await lane.retryLater(delivery, this.reclaimIdleMs).catch(() => undefined);
      this.options.log.warn({ err: error, stream: source, id, group: this.options.group }, 'event handler failed; will retry');
    }
  }

  private async deadLetter(lane: Lane, delivery: Delivery, reason: string, deliveries: number): Promise<void> {
    const { source, id, fields } = delivery;
    const record = fieldsToRecord(fields);
    const seen = TYPE_FIELD.exec(record.type ?? '') ? seenOf(record.type.split('@')[0], record.seq) : null;
    // seen: the comparison with the producer's log does not bring it back; the operator replays it
    if (seen) await markSeen(this.options.dataSource, this.options.group, [seen]);
    await lane.deadLetter(delivery, ['source', source, 'sourceId', id, 'reason', reason, 'deliveries', String(deliveries), 'failedAt', new Date().toISOString(), ...fields]);
    await this.forgetError(delivery);
    this.outcomes?.dead_lettered.inc();
    this.options.log.error({ stream: source, id, group: this.options.group, reason }, 'event dead-lettered');
  }

  /** An event from a producer's log this context cannot read goes where the live consumer would put it. */
  private async deadLetterFromLog(event: EventEnvelope, reason: string): Promise<void> {
    const source = streamOf(this.options.prefix, event.type.split('.')[0]);
    await this.redis.xadd(deadLetterStreamOf(this.options.prefix, this.options.group), '*',
      'source', `${source} (log)`, 'sourceId', String(event.seq ?? ''), 'reason', reason, 'deliveries', '1', 'failedAt', new Date().toISOString(), ...encodeEnvelope(event));
    this.outcomes?.dead_lettered.inc();
    this.options.log.error({ group: this.options.group, seq: event.seq, type: event.type, reason }, 'event from the producer\'s log dead-lettered');
  }

  private async readLoop(lane: Lane): Promise<void> {
    const blockMs = this.options.blockMs ?? CONSUMER_DEFAULTS.blockMs;
    const pause = new Sleeper();
    this.readPauses.push(pause);
    while (this.running) {
      try {
        await this.readLane(lane, blockMs);
      } catch (error) {
        if (!this.running) return;
        this.options.log.error({ err: error, group: this.options.group }, 'reading events failed');
        await pause.sleep(1000);
        await this.recoverGroups(error).catch(() => undefined);
        // read nothing more until the database is back: what was read stays pending, undamaged
        while (isTransient(error) && this.running && !(await this.databaseUp())) await pause.sleep(1000);
      }
    }
  }

  private async reclaimLoop(): Promise<void> {
    const every = Math.max(50, Math.min(5000, Math.floor(this.reclaimIdleMs / 2)));
    while (this.running) {
      await this.reclaimPause.sleep(every);
      if (!this.running) return;
      try {
        await this.reclaimOnce();
      } catch (error) {
        this.options.log.error({ err: error, group: this.options.group }, 'reclaiming events failed');
        await this.recoverGroups(error).catch(() => undefined);
      }
    }
  }
}

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { runWithTrace, type Logger, type Redis, type RedisConnections } from '@wavegraph/kit';
import { consumerGauges, eventCounters, type Registry } from '@wavegraph/metrics';
import { inSpan } from '@wavegraph/telemetry';
import type { DataSource } from 'typeorm';
import { applyOnce, handlersByType, type EventHandler } from './apply';
import { Sleeper } from './backoff';
import type { Producer } from './contract';
import { decodeEnvelope, encodeEnvelope, fieldsToRecord, PoisonMessage, TYPE_FIELD, type EventEnvelope } from './envelope';
import type { ProducerLogs } from './log-client';
import { markSeen, type SeenPosition } from './positions';
import { LogRecovery, type RecoveryOptions } from './recovery';
import { deadLetterStreamOf, recoverRequestKey, retryStreamOf, streamOf } from './streams';
import { trimAcknowledged } from './trim';

export interface ConsumerOptions {
  dataSource: DataSource;
  /**
   * Its owner's connections: the consumer opens a blocking reader and a command connection, and
   * the owner closes them after `stop()` (which drops the reader itself, to end a blocked read).
   */
  redis: RedisConnections;
  prefix: string;
  /** The consuming context; one Redis consumer group per context, shared by its replicas. */
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
const OUTCOMES: readonly Outcome[] = ['applied', 'duplicate', 'skipped', 'failed', 'dead_lettered'];

/** XINFO GROUPS replies flat field lists per group. */
function groupInfo(reply: unknown, group: string): { pending: number; lag: number | null } | undefined {
  for (const fields of reply as (string | number | null)[][]) {
    const record = new Map<string, string | number | null>();
    for (let i = 0; i + 1 < fields.length; i += 2) record.set(String(fields[i]), fields[i + 1]);
    if (record.get('name') !== group) continue;
    const lag = record.get('lag');
    return { pending: Number(record.get('pending') ?? 0), lag: lag === null || lag === undefined ? null : Number(lag) };
  }
  return undefined;
}

type Entry = [id: string, fields: string[]];

/** The log position an entry carries beside its type (entries written by tools have none). */
function seenOf(type: string, seq: string | undefined): SeenPosition | null {
  return seq && /^[1-9][0-9]*$/.test(seq) ? { producer: type.slice(0, type.indexOf('.')), seq: Number(seq) } : null;
}
type StreamReply = [stream: string, entries: Entry[]][];

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
 * Reads the producers' streams as a consumer group and applies each event once. Failed
 * messages stay pending and are retried by whichever consumer reclaims them; after
 * `maxDeliveries` they go to the dead-letter stream with their last error.
 */
export class EventConsumer {
  readonly name: string;
  private readonly reader: Redis;
  private readonly redis: Redis;
  private readonly handlers: Map<string, EventHandler[]>;
  private readonly handledTypes: Set<string>;
  private readonly streams: string[];
  private readonly errorsKey: string;
  private readonly readPause = new Sleeper();
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

  constructor(private readonly options: ConsumerOptions) {
    this.name = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.reader = options.redis.open('blocking', `consumer:${options.group}:reader`, { lazyConnect: true });
    this.redis = options.redis.open('command', `consumer:${options.group}`, { lazyConnect: true });
    this.handlers = handlersByType(options.handlers);
    this.handledTypes = new Set([...this.handlers.values()].flat().map((h) => h.contract.type));
    this.streams = [...options.producers.map((p) => streamOf(options.prefix, p)), retryStreamOf(options.prefix, options.group)];
    this.errorsKey = `${options.prefix}:events:errors:${options.group}`;
    if (options.logs) {
      this.recovery = new LogRecovery({
        dataSource: options.dataSource, group: options.group, producers: options.producers, handlers: this.handlers, handledTypes: this.handledTypes,
        logs: options.logs, log: options.log, afterApply: options.afterApply, ...options.recovery,
        deadLetter: (event, reason) => this.deadLetterFromLog(event, reason),
        drained: async (producer) => {
          const info = groupInfo(await this.redis.xinfo('GROUPS', streamOf(options.prefix, producer)), options.group);
          return info !== undefined && info.lag === 0 && info.pending === 0;
        },
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

  /** The group's position on each of its streams and its dead letters, as a scrape reads them. */
  private watchGroup(metrics: Registry): () => void {
    const group = this.options.group;
    return consumerGauges(metrics).watch(async () => {
      const samples = await Promise.all(
        this.streams.map(async (stream) => {
          const info = groupInfo(await this.redis.xinfo('GROUPS', stream), group);
          // lag is null when Redis cannot tell (entries deleted mid-stream): then no lag series for it
          return info ? [{ labels: { group, stream }, values: { pending: info.pending, ...(info.lag !== null && { lag: info.lag }) } }] : [];
        }),
      );
      const dead = await this.redis.xlen(deadLetterStreamOf(this.options.prefix, group));
      // what the last comparison with each producer's log found missing (0: caught up)
      const behind = (this.recovery?.lastRound?.producers ?? []).map((p) => ({ labels: { group, producer: p.producer }, values: { missing: p.missing } }));
      return [...samples.flat(), { labels: { group }, values: { deadLetters: dead } }, ...behind];
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    await Promise.all([this.reader.connect(), this.redis.connect()]);
    await this.ensureGroups();
    this.running = true;
    this.unwatch = this.options.metrics && this.watchGroup(this.options.metrics);
    this.loops = [this.readLoop(), this.reclaimLoop(), this.maintainLoop(), ...(this.recovery ? [this.recoverLoop()] : [])];
  }

  private stopping: Promise<void> | undefined;

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.readPause.stop();
    this.reclaimPause.stop();
    this.recoverPause.stop();
    this.maintainPause.stop();
    // a blocked XREADGROUP returns when its connection closes
    this.reader.disconnect();
    await Promise.allSettled(this.loops);
  }

  /** Creates the group on every stream, from the beginning: a new context catches up on history. */
  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      try {
        await this.redis.xgroup('CREATE', stream, this.options.group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  /**
   * A Redis that came back without our groups (no persistence, a failover to a lagging replica)
   * gets them again, and what it lost is applied from the producers' logs before reading on,
   * so the events of one aggregate are applied in their order.
   */
  private async recoverGroups(error: unknown): Promise<void> {
    if (!String((error as Error).message).includes('NOGROUP')) return;
    this.options.log.warn({ group: this.options.group }, 'the transport lost this group: recreating it and reading what it lost from the producers\' logs');
    await this.ensureGroups().catch(() => undefined);
    await this.recoverNow({ graceMs: 0 });
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

  /** Inbox rows past their retention go; so do the group's acknowledged retries and consumers that died. */
  async maintainOnce(): Promise<{ pruned: number; trimmed: number; removedConsumers: string[] }> {
    const retention = this.options.inboxRetentionMs ?? CONSUMER_DEFAULTS.inboxRetentionMs;
    const result = (await this.options.dataSource.query(
      `DELETE FROM inbox WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM inbox WHERE consumer = $1 AND processed_at < now() - make_interval(secs => $2::float8 / 1000) LIMIT 10000)`,
      [this.options.group, retention],
    )) as [unknown, number];
    const retry = retryStreamOf(this.options.prefix, this.options.group);
    const trimmed = await trimAcknowledged(this.redis, retry, this.options.streamRetentionMs ?? CONSUMER_DEFAULTS.streamRetentionMs, Date.now(), [this.options.group]);
    return { pruned: Number(result[1] ?? 0), trimmed, removedConsumers: await this.removeDeadConsumers() };
  }

  /**
   * A consumer that has not read for a long while and holds nothing pending is gone (a replica
   * that was killed or scaled away; its pending entries were claimed by the living): it leaves
   * the group. A live one blocks on a read every `blockMs`, so its idle time stays small.
   */
  private async removeDeadConsumers(): Promise<string[]> {
    const idleLimit = this.options.deadConsumerIdleMs ?? Math.max(60_000, 10 * (this.options.blockMs ?? CONSUMER_DEFAULTS.blockMs), 2 * (this.options.reclaimIdleMs ?? CONSUMER_DEFAULTS.reclaimIdleMs));
    const removed: string[] = [];
    for (const stream of this.streams) {
      let consumers: unknown[][];
      try {
        consumers = (await this.redis.xinfo('CONSUMERS', stream, this.options.group)) as unknown[][];
      } catch {
        continue;
      }
      for (const info of consumers) {
        const fields = fieldsToRecord(info.map(String));
        if (fields.name === this.name || Number(fields.pending) > 0 || Number(fields.idle) < idleLimit) continue;
        await this.redis.xgroup('DELCONSUMER', stream, this.options.group, fields.name);
        removed.push(fields.name);
      }
    }
    if (removed.length) this.options.log.info({ group: this.options.group, removed: [...new Set(removed)] }, 'consumers that stopped reading left the group');
    return [...new Set(removed)];
  }

  private async maintainLoop(): Promise<void> {
    const every = this.options.maintainEveryMs ?? CONSUMER_DEFAULTS.maintainEveryMs;
    while (this.running) {
      await this.maintainPause.sleep(every);
      if (!this.running) return;
      await this.maintainOnce().catch((error: unknown) => this.options.log.warn({ err: error, group: this.options.group }, 'pruning the inbox or the retry stream failed; will retry'));
    }
  }

  /** Reads new messages once and handles them; returns how many it saw. */
  async readOnce(blockMs = this.options.blockMs ?? 2000): Promise<number> {
    const reply = (await this.reader.xreadgroup(
      'GROUP', this.options.group, this.name,
      'COUNT', this.options.batchSize ?? 50,
      'BLOCK', blockMs,
      'STREAMS', ...this.streams, ...this.streams.map(() => '>'),
    )) as StreamReply | null;
    if (!reply) return 0;
    let seen = 0;
    for (const [stream, entries] of reply) {
      await this.handleEntries(stream, entries);
      seen += entries.length;
    }
    return seen;
  }

  /** Takes over messages idle longer than `reclaimIdleMs`; dead-letters those failed too often. */
  async reclaimOnce(): Promise<number> {
    const idle = this.options.reclaimIdleMs ?? 30_000;
    const max = this.options.maxDeliveries ?? 5;
    // while our database is away nothing could be applied: retrying now would only use up deliveries
    if (!(await this.databaseUp())) return 0;
    let reclaimed = 0;
    for (const stream of this.streams) {
      const pending = (await this.redis.xpending(stream, this.options.group, 'IDLE', idle, '-', '+', 100)) as [string, string, number, number][];
      for (const [id, , , deliveries] of pending) {
        if (!this.running) return reclaimed;
        // claiming first makes this consumer the only one acting on it (another may have just claimed it)
        const claimed = (await this.redis.xclaim(stream, this.options.group, this.name, idle, id)) as [string, string[] | null][];
        if (!claimed.length) continue;
        const fields = claimed[0][1];
        if (fields === null) {
          // trimmed from the stream (older Redis reports it this way): nothing left to apply
          await this.redis.multi().xack(stream, this.options.group, id).del(this.errorKey(id)).exec();
          continue;
        }
        if (deliveries >= max) {
          const lastError = (await this.redis.get(this.errorKey(id))) ?? 'no error recorded';
          await this.deadLetter(stream, id, fields, `failed ${deliveries} deliveries; last error: ${lastError}`, deliveries);
          continue;
        }
        await this.handleEntries(stream, [[id, fields]]);
        reclaimed += 1;
      }
    }
    return reclaimed;
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await this.options.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async handleEntries(stream: string, entries: Entry[]): Promise<void> {
    const applied: EventEnvelope[] = [];
    // entries of types this context does not consume: passed over together, seen and acknowledged at once
    const passed: { id: string; seen: SeenPosition | null }[] = [];
    try {
      for (const [id, fields] of entries) {
        // what is not handled stays pending and is picked up after a restart
        if (!this.running) return;
        const record = fieldsToRecord(fields);
        const type = TYPE_FIELD.exec(record.type ?? '') ? record.type.split('@')[0] : undefined;
        if (type !== undefined && !this.handledTypes.has(type)) {
          passed.push({ id, seen: seenOf(type, record.seq) });
          continue;
        }
        const event = await this.handleEntry(stream, id, fields, type);
        if (event) applied.push(event);
      }
    } finally {
      if (passed.length) await this.passOver(stream, passed);
      // whatever was committed is reported, even when a later entry stopped the batch
      if (applied.length) await this.options.afterApply?.(applied);
    }
  }

  private async passOver(stream: string, passed: { id: string; seen: SeenPosition | null }[]): Promise<void> {
    await markSeen(this.options.dataSource, this.options.group, passed.flatMap((p) => (p.seen ? [p.seen] : [])));
    await this.redis.xack(stream, this.options.group, ...passed.map((p) => p.id));
    for (const _ of passed) this.outcomes?.skipped.inc();
  }

  private errorKey(id: string): string {
    return `${this.errorsKey}:${id}`;
  }

  private async handleEntry(stream: string, id: string, fields: string[], type: string | undefined): Promise<EventEnvelope | null> {
    if (type === undefined) {
      // no readable type: not an event any producer wrote; an operator looks at it
      await this.deadLetter(stream, id, fields, `entry has no valid "type" field (got ${JSON.stringify(fieldsToRecord(fields).type ?? null)})`, 1);
      return null;
    }
    let applied: EventEnvelope | null = null;
    try {
      const event = decodeEnvelope(fields);
      const handlers = this.handlers.get(`${event.type}@${event.version}`);
      if (!handlers) throw new PoisonMessage(`${this.options.group} has no handler for ${event.type} version ${event.version}`);
      // the handler's work (its SQL, the events it records) is a child of the span that wrote the event
      const attributes = { 'messaging.system': 'redis', 'messaging.destination.name': stream, 'messaging.consumer.group.name': this.options.group, 'messaging.message.id': event.id };
      const fresh = await runWithTrace(event.trace, () => inSpan(`consume ${event.type}`, { kind: 'consumer', parent: event.trace, attributes }, () => applyOnce(this.options.dataSource, this.options.group, event, handlers)));
      if (fresh) applied = event;
      (applied ? this.outcomes?.applied : this.outcomes?.duplicate)?.inc();
    } catch (error) {
      if (error instanceof PoisonMessage) {
        await this.deadLetter(stream, id, fields, error.message, 1);
        return null;
      }
      if (isTransient(error)) {
        // the database is away: not this message's fault; stop the batch and let the loop back off
        throw error;
      }
      // left pending: retried after reclaimIdleMs, by this or another consumer
      this.outcomes?.failed.inc();
      const ttl = Math.ceil(((this.options.reclaimIdleMs ?? 30_000) * (this.options.maxDeliveries ?? 5) * 4) / 1000);
      await this.redis.set(this.errorKey(id), String((error as Error).message), 'EX', ttl).catch(() => undefined);
      this.options.log.warn({ err: error, stream, id, group: this.options.group }, 'event handler failed; will retry');
      return null;
    }
    // committed: a failed acknowledgement only means a redelivery, which the inbox skips
    await this.redis
      .multi()
      .xack(stream, this.options.group, id)
      .del(this.errorKey(id))
      .exec()
      .catch((error: unknown) => this.options.log.warn({ err: error, stream, id }, 'acknowledgement failed; the event will be skipped when redelivered'));
    return applied;
  }

  private async deadLetter(stream: string, id: string, fields: string[], reason: string, deliveries: number): Promise<void> {
    const record = fieldsToRecord(fields);
    const seen = TYPE_FIELD.exec(record.type ?? '') ? seenOf(record.type.split('@')[0], record.seq) : null;
    // seen: the comparison with the producer's log does not bring it back; the operator replays it
    if (seen) await markSeen(this.options.dataSource, this.options.group, [seen]);
    await this.redis
      .multi()
      .xadd(deadLetterStreamOf(this.options.prefix, this.options.group), '*',
        'source', stream, 'sourceId', id, 'reason', reason, 'deliveries', String(deliveries), 'failedAt', new Date().toISOString(), ...fields)
      .xack(stream, this.options.group, id)
      .del(this.errorKey(id))
      .exec();
    this.outcomes?.dead_lettered.inc();
    this.options.log.error({ stream, id, group: this.options.group, reason }, 'event dead-lettered');
  }

  /** An event from a producer's log this context cannot read goes where the live consumer would put it. */
  private async deadLetterFromLog(event: EventEnvelope, reason: string): Promise<void> {
    const source = streamOf(this.options.prefix, event.type.split('.')[0]);
    await this.redis.xadd(deadLetterStreamOf(this.options.prefix, this.options.group), '*',
      'source', `${source} (log)`, 'sourceId', String(event.seq ?? ''), 'reason', reason, 'deliveries', '1', 'failedAt', new Date().toISOString(), ...encodeEnvelope(event));
    this.outcomes?.dead_lettered.inc();
    this.options.log.error({ group: this.options.group, seq: event.seq, type: event.type, reason }, 'event from the producer\'s log dead-lettered');
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.readOnce();
      } catch (error) {
        if (!this.running) return;
        this.options.log.error({ err: error, group: this.options.group }, 'reading events failed');
        await this.readPause.sleep(1000);
        await this.recoverGroups(error);
        // read nothing more until the database is back: what was read stays pending, undamaged
        while (isTransient(error) && this.running && !(await this.databaseUp())) await this.readPause.sleep(1000);
      }
    }
  }

  private async reclaimLoop(): Promise<void> {
    const every = Math.max(50, Math.min(5000, Math.floor((this.options.reclaimIdleMs ?? 30_000) / 2)));
    while (this.running) {
      await this.reclaimPause.sleep(every);
      if (!this.running) return;
      try {
        await this.reclaimOnce();
      } catch (error) {
        this.options.log.error({ err: error, group: this.options.group }, 'reclaiming events failed');
        await this.recoverGroups(error);
      }
    }
  }
}

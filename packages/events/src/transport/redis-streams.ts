import type { Redis, RedisConnections } from '@wavegraph/kit';
import type { Producer } from '../contract';
import { encodeEnvelope, fieldsToRecord, type EventEnvelope } from '../envelope';
import { deadLetterStreamOf, retryStreamOf, streamOf } from '../streams';
import { trimAcknowledged } from '../trim';
import type { ConsumerTransport, Delivery, Lane, PublishOutcome, RelayTransport, SourcePosition, Subscription, SubscriptionSpec } from './port';

/** XINFO GROUPS replies flat field lists per group. */
export function groupInfo(reply: unknown, group: string): { pending: number; lag: number | null } | undefined {
  for (const fields of reply as (string | number | null)[][]) {
    const record = new Map<string, string | number | null>();
    for (let i = 0; i + 1 < fields.length; i += 2) record.set(String(fields[i]), fields[i + 1]);
    if (record.get('name') !== group) continue;
    const lag = record.get('lag');
    return { pending: Number(record.get('pending') ?? 0), lag: lag === null || lag === undefined ? null : Number(lag) };
  }
  return undefined;
}

const connect = async (redis: Redis): Promise<void> => {
  if (redis.status === 'wait' || redis.status === 'end') await redis.connect().catch(() => undefined);
};

/** The relay's side on Redis Streams: one stream per producer, XADD in a pipeline. */
export class RedisStreamsRelay implements RelayTransport {
  readonly system = 'redis';

  /** `redis`: a fail-fast connection (the outbox is the queue, not ioredis' offline buffer). */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  destinationOf(producer: Producer): string {
    return streamOf(this.prefix, producer);
  }

  async publish(producer: Producer, events: readonly EventEnvelope[]): Promise<PublishOutcome> {
    await connect(this.redis);
    const stream = streamOf(this.prefix, producer);
    const pipeline = this.redis.pipeline();
    for (const event of events) pipeline.xadd(stream, '*', ...encodeEnvelope(event));
    const results = await pipeline.exec().catch((error: Error) => events.map(() => [error, null] as [Error, null]));
    // Redis applies a pipeline in order: everything before the first failure is in the stream
    const failedAt = (results ?? []).findIndex(([error]) => error !== null);
    if (failedAt === -1 && results) return { sent: events.length };
    const sent = failedAt === -1 ? 0 : failedAt;
    return { sent, error: (results?.[sent]?.[0] as Error | undefined) ?? new Error('no reply from Redis') };
  }

  async maintain(producer: Producer, retentionMs: number): Promise<{ trimmed: number }> {
    await connect(this.redis);
    return { trimmed: await trimAcknowledged(this.redis, streamOf(this.prefix, producer), retentionMs) };
  }
}

export interface RedisStreamsOptions {
  /** The owner's connections: the subscription opens a blocking reader (and a command connection unless given one). */
  redis: RedisConnections;
  prefix: string;
  /** A command connection to share (the consumer's own). */
  command?: Redis;
  /** Read only these producers' streams (none: only the group's retry stream, beside another transport). */
  producers?: 'all' | 'none';
}

/** The consumer's side on Redis Streams: one consumer group per context on each stream, XREADGROUP, XPENDING/XCLAIM. */
export class RedisStreamsTransport implements ConsumerTransport {
  constructor(private readonly options: RedisStreamsOptions) {}

  subscribe(spec: SubscriptionSpec): Subscription {
    return new RedisStreamsSubscription(this.options, spec);
  }
}

type Entry = [id: string, fields: string[] | null];
type StreamReply = [stream: string, entries: Entry[]][];

class RedisStreamsSubscription implements Subscription, Lane {
  readonly system = 'redis';
  private readonly reader: Redis;
  private readonly redis: Redis;
  private readonly streams: string[];
  private readonly deadLetters: string;

  constructor(
    private readonly options: RedisStreamsOptions,
    private readonly spec: SubscriptionSpec,
  ) {
    this.reader = options.redis.open('blocking', `consumer:${spec.group}:reader`, { lazyConnect: true });
    this.redis = options.command ?? options.redis.open('command', `consumer:${spec.group}`, { lazyConnect: true });
    const producers = options.producers === 'none' ? [] : spec.producers;
    this.streams = [...producers.map((p) => streamOf(options.prefix, p)), retryStreamOf(options.prefix, spec.group)];
    this.deadLetters = deadLetterStreamOf(options.prefix, spec.group);
  }

  async open(): Promise<void> {
    await Promise.all([this.reader.connect(), this.redis.status === 'wait' ? this.redis.connect() : undefined]);
    await this.ensureGroups();
  }

  /** Creates the group on every stream, from the beginning: a new context catches up on history. */
  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      try {
        await this.redis.xgroup('CREATE', stream, this.spec.group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  lanes(): readonly Lane[] {
    return [this];
  }

  /** A Redis that came back without our groups (no persistence, a failover to a lagging replica) answers NOGROUP. */
  async lost(error?: unknown): Promise<boolean> {
    return error !== undefined && String((error as Error | undefined)?.message).includes('NOGROUP');
  }

  reset(): Promise<void> {
    return this.ensureGroups();
  }

  async drained(producer: Producer): Promise<boolean> {
    const info = groupInfo(await this.redis.xinfo('GROUPS', streamOf(this.options.prefix, producer)), this.spec.group);
    return info !== undefined && info.lag === 0 && info.pending === 0;
  }

  async positions(): Promise<SourcePosition[]> {
    const samples = await Promise.all(
      this.streams.map(async (stream) => {
        const info = groupInfo(await this.redis.xinfo('GROUPS', stream), this.spec.group);
        return info ? [{ stream, ...info }] : [];
      }),
    );
    return samples.flat();
  }

  async next(blockMs: number, max: number): Promise<Delivery[]> {
    const reply = (await this.reader.xreadgroup(
      'GROUP', this.spec.group, this.spec.consumerName,
      'COUNT', max,
      'BLOCK', blockMs,
      'STREAMS', ...this.streams, ...this.streams.map(() => '>'),
    )) as StreamReply | null;
    return (reply ?? []).flatMap(([stream, entries]) => entries.map(([id, fields]) => ({ source: stream, id, fields: fields ?? [], deliveries: 1 })));
  }

  async ack(deliveries: readonly Delivery[]): Promise<void> {
    const bySource = new Map<string, string[]>();
    for (const d of deliveries) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d.id]);
    for (const [stream, ids] of bySource) await this.redis.xack(stream, this.spec.group, ...ids);
  }

  /** Left pending: reclaimed after the ack window, by this or another consumer. */
  async retryLater(): Promise<void> {}

  async deadLetter(delivery: Delivery, letter: string[]): Promise<void> {
    await this.redis.multi().xadd(this.deadLetters, '*', ...letter).xack(delivery.source, this.spec.group, delivery.id).exec();
  }

  async *reclaim(idleMs: number, going: () => boolean): AsyncIterable<Delivery> {
    for (const stream of this.streams) {
      const pending = (await this.redis.xpending(stream, this.spec.group, 'IDLE', idleMs, '-', '+', 100)) as [string, string, number, number][];
      for (const [id, , , deliveries] of pending) {
        if (!going()) return;
        // claiming first makes this consumer the only one acting on it (another may have just claimed it)
        const claimed = (await this.redis.xclaim(stream, this.spec.group, this.spec.consumerName, idleMs, id)) as Entry[];
        if (!claimed.length) continue;
        const fields = claimed[0][1];
        if (fields === null) {
          // trimmed from the stream (older Redis reports it this way): nothing left to apply
          await this.redis.xack(stream, this.spec.group, id);
          continue;
        }
        yield { source: stream, id, fields, deliveries: deliveries + 1 };
      }
    }
  }

  /** Acknowledged retries past their retention go; so do consumers that died. */
  async maintain(): Promise<{ trimmed: number; removedConsumers: string[] }> {
    const retry = retryStreamOf(this.options.prefix, this.spec.group);
    const trimmed = await trimAcknowledged(this.redis, retry, this.spec.streamRetentionMs, Date.now(), [this.spec.group]);
    return { trimmed, removedConsumers: await this.removeDeadConsumers() };
  }

  /**
   * A consumer that has not read for a long while and holds nothing pending is gone (a replica
   * that was killed or scaled away; its pending entries were claimed by the living): it leaves
   * the group. A live one blocks on a read every `blockMs`, so its idle time stays small.
   */
  private async removeDeadConsumers(): Promise<string[]> {
    const removed: string[] = [];
    for (const stream of this.streams) {
      let consumers: unknown[][];
      try {
        consumers = (await this.redis.xinfo('CONSUMERS', stream, this.spec.group)) as unknown[][];
      } catch {
        continue;
      }
      for (const info of consumers) {
        const fields = fieldsToRecord(info.map(String));
        if (fields.name === this.spec.consumerName || Number(fields.pending) > 0 || Number(fields.idle) < this.spec.deadConsumerIdleMs) continue;
        await this.redis.xgroup('DELCONSUMER', stream, this.spec.group, fields.name);
        removed.push(fields.name);
      }
    }
    return [...new Set(removed)];
  }

  /** A blocked XREADGROUP returns when its connection closes. */
  interrupt(): void {
    this.reader.disconnect();
  }

  async close(): Promise<void> {
    this.reader.disconnect();
  }
}

import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstream, JetStreamApiCodes, JetStreamApiError, jetstreamManager, RetentionPolicy, StorageType, type Consumer, type ConsumerConfig, type JetStreamClient, type JetStreamManager, type JsMsg, type StreamConfig } from '@nats-io/jetstream';
import { headers, nanos, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Redis, RedisConnections } from '@wavegraph/kit';
import type { Producer } from '../contract';
import type { EventEnvelope } from '../envelope';
import { deadLetterStreamOf } from '../streams';
import type { ConsumerTransport, Delivery, Lane, PublishOutcome, RelayTransport, SourcePosition, Subscription, SubscriptionSpec } from './port';
import { RedisStreamsTransport } from './redis-streams';
import type { JetStreamSettings } from './settings';

/*
 * NATS JetStream as the event transport.
 *
 * - One stream per producer, `<prefix>_events_<producer>`, over the subjects
 *   `<prefix>.events.<producer>.<partition>`; an event's partition is a hash of its aggregate id,
 *   so one producer's events spread over `partitions` subjects while each aggregate stays on one.
 *   Retention by age (`maxAgeMs`), `replicas` copies in a cluster; a publish carries the event id
 *   as Nats-Msg-Id, so a batch a relay sends again (it died before marking it sent) is dropped by
 *   the server within the duplicate window.
 * - Per consuming group, one durable pull consumer per producer and partition, explicit ack,
 *   ack wait = the consumer's reclaim window, delivering from the stream's first message (a group
 *   created late replays what the stream still holds; the producers' logs cover the rest), and
 *   max_ack_pending 1: the server hands out a partition's next message only once the previous one
 *   is acknowledged (or dead-lettered), so each aggregate's events are applied in their order
 *   however many replicas pull. Replicas share the partitions: each pulls from all of them and
 *   whichever asks first gets the message. The price is one message in flight per partition (a
 *   group's throughput is at most `partitions` × 1 / handler latency per producer, and a failing
 *   message holds its partition until it succeeds or is dead-lettered); more partitions buy more
 *   parallelism.
 * - max_deliver is left unlimited: the consumer counts deliveries and dead-letters a message past
 *   maxDeliveries itself (the server has no dead-letter destination, and a message the server
 *   stopped delivering would stay unacknowledged, holding its partition).
 * - Dead letters and operator replays stay in Redis (the group's dead-letter and retry streams),
 *   where `wavegraph-events` lists and replays them, whatever the transport.
 */

/** Stream names and subject tokens allow neither dots nor wildcards: the deployment's prefix as a token. */
export const natsToken = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, '_');

export const jetStreamOf = (prefix: string, producer: Producer | string): string => `${natsToken(prefix)}_events_${producer}`;
export const subjectOf = (prefix: string, producer: Producer | string, partition: number | '*'): string => `${natsToken(prefix)}.events.${producer}.${partition}`;
export const durableOf = (group: string, partition: number): string => `${natsToken(group)}_${partition}`;

/**
 * FNV-1a (32 bits) of the aggregate id modulo the partition count. Written here rather than
 * taken from a library: it is a few lines, stable across processes and versions (a change would
 * move aggregates between partitions), and cheap.
 */
export function partitionOf(aggregateId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < aggregateId.length; i++) {
    hash ^= aggregateId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

const isApiError = (error: unknown, code: number): boolean =>
  error instanceof JetStreamApiError ? error.code === code : new RegExp(code === JetStreamApiCodes.StreamNotFound ? 'stream not found' : 'consumer not found', 'i').test(String((error as Error | undefined)?.message));

/** A JetStream connection and its clients, shared by a process' relay and consumer. */
export class JetStreamContext {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly settings: JetStreamSettings,
    readonly prefix: string,
  ) {}

  /**
   * Connects, then reconnects for as long as the process runs. A service waits for the server at
   * first (`waitForServer`); a tool fails at once when it is not there.
   */
  static async connect(settings: JetStreamSettings, prefix: string, name = 'wavegraph-events', waitForServer = true): Promise<JetStreamContext> {
    const nc = await connect({ servers: settings.servers.split(',').map((s) => s.trim()), name, waitOnFirstConnect: waitForServer, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    try {
      return new JetStreamContext(nc, jetstream(nc, { timeout: settings.publishTimeoutMs }), await jetstreamManager(nc, { timeout: settings.publishTimeoutMs }), settings, prefix);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  streamConfig(producer: Producer): Partial<StreamConfig> & { name: string } {
    return {
      name: jetStreamOf(this.prefix, producer),
      subjects: [subjectOf(this.prefix, producer, '*')],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(this.settings.maxAgeMs),
      num_replicas: this.settings.replicas,
      duplicate_window: nanos(Math.min(this.settings.duplicateWindowMs, this.settings.maxAgeMs)),
    };
  }

  /** Creates the producer's stream where it is missing (relays and consumers both may be first). */
  async ensureStream(producer: Producer): Promise<void> {
    const name = jetStreamOf(this.prefix, producer);
    try {
      await this.jsm.streams.info(name);
      return;
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    }
    try {
      await this.jsm.streams.add(this.streamConfig(producer));
    } catch (error) {
      // created by another process in between
      if (!/already in use/i.test(String((error as Error).message))) throw error;
    }
  }

  /** Readiness: JetStream answers within a bound (requests wait for a connection that is away). */
  async ping(timeoutMs = 1_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`NATS JetStream did not answer within ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([this.jsm.getAccountInfo(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

/** The relay's side: publishes a batch in order, each event with its id as Nats-Msg-Id. */
export class JetStreamRelay implements RelayTransport {
  readonly system = 'nats';
  private readonly ready = new Set<Producer>();

  constructor(private readonly context: JetStreamContext) {}

  destinationOf(producer: Producer): string {
    return jetStreamOf(this.context.prefix, producer);
  }

  async publish(producer: Producer, events: readonly EventEnvelope[]): Promise<PublishOutcome> {
    const { js, prefix, settings } = this.context;
    try {
      if (!this.ready.has(producer)) {
        await this.context.ensureStream(producer);
        this.ready.add(producer);
      }
    } catch (error) {
      return { sent: 0, error: error as Error };
    }
    // sent together; one connection keeps them in order, so the stream holds them in batch order
    const acks = await Promise.allSettled(
      events.map((event) => {
        const h = headers();
        h.set('type', `${event.type}@${event.version}`);
        if (event.seq !== undefined) h.set('seq', String(event.seq));
        return js.publish(subjectOf(prefix, producer, partitionOf(event.aggregateId, settings.partitions)), JSON.stringify(event), { msgID: event.id, headers: h, timeout: settings.publishTimeoutMs });
      }),
    );
    const failedAt = acks.findIndex((ack) => ack.status === 'rejected');
    if (failedAt === -1) return { sent: events.length };
    // the stream may be gone (a server that came back empty): made again before the next attempt
    this.ready.delete(producer);
    // what was taken after the failure is taken again, and dropped by the server as a duplicate
    return { sent: failedAt, error: (acks[failedAt] as PromiseRejectedResult).reason as Error };
  }
}

export interface JetStreamTransportOptions {
  context: JetStreamContext;
  /** For the group's dead letters and operator replays, kept in Redis. */
  redis: RedisConnections;
  prefix: string;
}

/** The consumer's side: per group, a durable consumer per producer and partition, beside the group's Redis retry stream. */
export class JetStreamTransport implements ConsumerTransport {
  constructor(private readonly options: JetStreamTransportOptions) {}

  subscribe(spec: SubscriptionSpec): Subscription {
    return new JetStreamSubscription(this.options, spec);
  }
}

/** The lanes ask whether the consumers still exist at most this often when they receive nothing. */
const EXISTENCE_CHECK_MS = 5_000;

class LostState extends Error {
  constructor() {
    super('JetStream lost the group\'s consumers');
  }
}

class JetStreamSubscription implements Subscription {
  readonly system = 'nats';
  private readonly retries: Subscription;
  private readonly partitionLanes: PartitionLane[] = [];
  private readonly redis: Redis;
  private stopped = false;
  private readonly interrupted: Promise<null>;
  private interruptNow: () => void = () => undefined;
  private lastCheck = Date.now();
  private checking: Promise<boolean> | undefined;

  constructor(
    private readonly options: JetStreamTransportOptions,
    readonly spec: SubscriptionSpec,
  ) {
    this.retries = new RedisStreamsTransport({ redis: options.redis, prefix: options.prefix, producers: 'none' }).subscribe(spec);
    this.redis = options.redis.open('command', `consumer:${spec.group}:dead-letters`, { lazyConnect: true });
    this.interrupted = new Promise((resolve) => (this.interruptNow = () => resolve(null)));
    for (const producer of spec.producers) {
      for (let partition = 0; partition < options.context.settings.partitions; partition++) this.partitionLanes.push(new PartitionLane(this, producer, partition));
    }
  }

  get context(): JetStreamContext {
    return this.options.context;
  }

  get deadLetterStream(): string {
    return deadLetterStreamOf(this.options.prefix, this.spec.group);
  }

  get deadLetterRedis(): Redis {
    return this.redis;
  }

  get stopping(): Promise<null> {
    return this.interrupted;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  consumerConfig(producer: Producer, partition: number): Partial<ConsumerConfig> {
    return {
      durable_name: durableOf(this.spec.group, partition),
      filter_subject: subjectOf(this.context.prefix, producer, partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.spec.reclaimIdleMs),
      max_deliver: -1,
      max_ack_pending: 1,
    };
  }

  async open(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.retries.open();
    // a server still coming back (reconnecting, electing) does not stop the start: each lane
    // creates its consumer before its first pull and the read loop retries until it can
    await this.ensureConsumers().catch(() => undefined);
  }

  private async ensureConsumers(): Promise<void> {
    for (const producer of this.spec.producers) await this.context.ensureStream(producer);
    await Promise.all(this.partitionLanes.map((lane) => lane.ensure()));
    this.lastCheck = Date.now();
  }

  lanes(): readonly Lane[] {
    return [...this.partitionLanes, ...this.retries.lanes()];
  }

  async lost(error?: unknown): Promise<boolean> {
    if (error instanceof LostState || (error !== undefined && (isApiError(error, JetStreamApiCodes.ConsumerNotFound) || isApiError(error, JetStreamApiCodes.StreamNotFound)))) return true;
    if (await this.retries.lost(error)) return true;
    return this.missing();
  }

  /** Whether any of the group's consumers (or their streams) is gone; concurrent calls share one look. */
  missing(): Promise<boolean> {
    this.checking ??= (async () => {
      try {
        const found = await Promise.all(this.partitionLanes.map((lane) => lane.exists()));
        return found.includes(false);
      } finally {
        this.lastCheck = Date.now();
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  /** After an empty pull: looks whether the consumers still exist, at most every few seconds. */
  async checkAfterIdle(): Promise<void> {
    if (Date.now() - this.lastCheck < EXISTENCE_CHECK_MS) return;
    if (await this.missing()) throw new LostState();
  }

  async reset(): Promise<void> {
    await Promise.all([this.retries.reset(), this.ensureConsumers()]);
  }

  async drained(producer: Producer): Promise<boolean> {
    const infos = await Promise.all(this.partitionLanes.filter((lane) => lane.producer === producer).map((lane) => lane.info()));
    return infos.every((info) => info.num_pending === 0 && info.num_ack_pending === 0);
  }

  async positions(): Promise<SourcePosition[]> {
    const byStream = new Map<string, SourcePosition>();
    await Promise.all(
      this.partitionLanes.map(async (lane) => {
        const info = await lane.info();
        const stream = jetStreamOf(this.context.prefix, lane.producer);
        const sum = byStream.get(stream) ?? { stream, pending: 0, lag: 0 };
        sum.pending += info.num_ack_pending;
        sum.lag = (sum.lag ?? 0) + info.num_pending;
        byStream.set(stream, sum);
      }),
    );
    return [...byStream.values(), ...(await this.retries.positions())];
  }

  maintain(): Promise<{ trimmed: number; removedConsumers: string[] }> {
    return this.retries.maintain?.() ?? Promise.resolve({ trimmed: 0, removedConsumers: [] });
  }

  interrupt(): void {
    this.stopped = true;
    this.interruptNow();
    this.retries.interrupt();
  }

  async close(): Promise<void> {
    this.interrupt();
    await this.retries.close();
  }
}

/** A delivery of a partition's consumer: its message, to acknowledge. */
interface HeldDelivery extends Delivery {
  message: JsMsg;
}

/** One producer's partition for one group: at most one message in flight (max_ack_pending 1). */
class PartitionLane implements Lane {
  private consumer: Consumer | undefined;
  private readonly stream: string;
  private readonly durable: string;

  constructor(
    private readonly owner: JetStreamSubscription,
    readonly producer: Producer,
    private readonly partition: number,
  ) {
    this.stream = jetStreamOf(owner.context.prefix, producer);
    this.durable = durableOf(owner.spec.group, partition);
  }

  /** Creates the durable consumer, or brings an existing one to this configuration (ack wait and the like may have changed). */
  async ensure(): Promise<void> {
    const { jsm, js } = this.owner.context;
    const config = this.owner.consumerConfig(this.producer, this.partition);
    try {
      await jsm.consumers.add(this.stream, config);
    } catch (error) {
      if (!/already (exists|in use)/i.test(String((error as Error).message))) throw error;
      const { ack_wait, max_ack_pending, max_deliver } = config;
      await jsm.consumers.update(this.stream, this.durable, { ack_wait, max_ack_pending, max_deliver });
    }
    this.consumer = await js.consumers.get(this.stream, this.durable);
  }

  async exists(): Promise<boolean> {
    try {
      await this.owner.context.jsm.consumers.info(this.stream, this.durable);
      return true;
    } catch (error) {
      if (isApiError(error, JetStreamApiCodes.ConsumerNotFound) || isApiError(error, JetStreamApiCodes.StreamNotFound)) return false;
      throw error;
    }
  }

  info(): ReturnType<JetStreamManager['consumers']['info']> {
    return this.owner.context.jsm.consumers.info(this.stream, this.durable);
  }

  async next(blockMs: number): Promise<Delivery[]> {
    if (this.owner.isStopped) return [];
    if (!this.consumer) {
      await this.owner.context.ensureStream(this.producer);
      await this.ensure();
    }
    // a pull waits at least a second (the client's floor)
    const pull = this.consumer!.next({ expires: Math.max(1_000, blockMs) });
    const message = await Promise.race([pull, this.owner.stopping]);
    if (this.owner.isStopped) {
      // arrived after stop: given back at once rather than after the ack wait
      void pull.then((late) => late?.nak()).catch(() => undefined);
      if (message) message.nak();
      return [];
    }
    if (!message) {
      await this.owner.checkAfterIdle();
      return [];
    }
    const type = message.headers?.get('type') ?? '';
    const seq = message.headers?.get('seq') ?? '';
    const fields = [...(type ? ['type', type] : []), ...(seq ? ['seq', seq] : []), 'event', message.string()];
    const delivery: HeldDelivery = { source: message.subject, id: String(message.seq), fields, deliveries: message.info.deliveryCount, message };
    return [delivery];
  }

  async ack(deliveries: readonly Delivery[]): Promise<void> {
    for (const d of deliveries) (d as HeldDelivery).message.ack();
  }

  async retryLater(delivery: Delivery, delayMs: number): Promise<void> {
    (delivery as HeldDelivery).message.nak(delayMs);
  }

  async deadLetter(delivery: Delivery, letter: string[]): Promise<void> {
    const redis = this.owner.deadLetterRedis;
    await redis.xadd(this.owner.deadLetterStream, '*', ...letter);
    // never delivered again; the operator replays it through the group's retry stream. (No reason
    // with the TERM: servers before 2.10 do not read one and would take it for no acknowledgement.)
    (delivery as HeldDelivery).message.term();
  }
}

/** Both sides on one connection, as the backbone uses them. */
export async function jetStreamTransport(settings: JetStreamSettings, redis: RedisConnections, prefix: string): Promise<{ context: JetStreamContext; relay: JetStreamRelay; consumer: JetStreamTransport }> {
  const context = await JetStreamContext.connect(settings, prefix);
  return { context, relay: new JetStreamRelay(context), consumer: new JetStreamTransport({ context, redis, prefix }) };
}

import type { Producer } from '../contract';
import type { EventEnvelope } from '../envelope';

/*
 * The event transport as a port. The relay and the consumer keep what does not depend on the
 * transport (numbering, the outbox as durable log, the inbox, poison and dead letters,
 * maxDeliveries, recovery from the producers' logs, metrics outcomes); an adapter only moves
 * messages: Redis Streams (redis-streams.ts, the default) or NATS JetStream (jetstream.ts).
 */

/** How many events of a batch the transport durably holds: always a prefix of the batch. */
export interface PublishOutcome {
  sent: number;
  /** Why the rest was not taken (absent when all were). */
  error?: Error;
}

/** What the relay needs. */
export interface RelayTransport {
  /** `messaging.system` of the spans (`redis`, `nats`). */
  readonly system: string;
  /** Where a producer's events go (a stream key, a JetStream stream), for logs and spans. */
  destinationOf(producer: Producer): string;
  /** Publishes one producer's batch in order; resolves with the prefix the transport holds. */
  publish(producer: Producer, events: readonly EventEnvelope[]): Promise<PublishOutcome>;
  /** Housekeeping of the producer's destination (Redis: trims what every group acknowledged). */
  maintain?(producer: Producer, retentionMs: number): Promise<{ trimmed: number }>;
}

/** One message handed to a consumer. */
export interface Delivery {
  /** Where it came from (stream key, JetStream subject), for logs and dead letters. */
  source: string;
  /** The transport's id of the message, unique within `source` (Redis entry id, JetStream stream sequence). */
  id: string;
  /** The entry as the envelope encodes it (`type`, `seq`, `event`; see encodeEnvelope). */
  fields: string[];
  /** Times delivered to the group, this one included. */
  deliveries: number;
}

/**
 * A sequence of deliveries the consumer reads one batch at a time; the order of a lane is
 * the order of each aggregate. Redis has one lane for all streams; JetStream one per partition.
 */
export interface Lane {
  /** The next deliveries, waiting up to `blockMs` when there are none. */
  next(blockMs: number, max: number): Promise<Delivery[]>;
  /** Done with them: never delivered to the group again. */
  ack(deliveries: readonly Delivery[]): Promise<void>;
  /** The handler failed: deliver it again after `delayMs` (to this or another replica). */
  retryLater(delivery: Delivery, delayMs: number): Promise<void>;
  /** Adds `letter` (the delivery's fields with why it failed) to the group's dead letters and acknowledges the delivery. */
  deadLetter(delivery: Delivery, letter: string[]): Promise<void>;
  /**
   * Where the transport does not redeliver by itself (Redis): takes over deliveries whose ack
   * window passed, one at a time, while `going()` holds. Their `deliveries` count this one.
   */
  reclaim?(idleMs: number, going: () => boolean): AsyncIterable<Delivery>;
}

/** The group's position on one of its sources, as a scrape reports it. */
export interface SourcePosition {
  stream: string;
  /** Delivered and not acknowledged. */
  pending: number;
  /** Not yet delivered; null when the transport cannot tell. */
  lag: number | null;
}

/** A consuming group's durable subscription to its producers' events. */
export interface Subscription {
  readonly system: string;
  /** Creates the group's durable state where it is missing, from the first message each source holds. */
  open(): Promise<void>;
  lanes(): readonly Lane[];
  /**
   * Whether the transport lost the group's state (Redis: NOGROUP; JetStream: stream or consumer
   * gone), judging by `error` when given, else by asking it.
   */
  lost(error?: unknown): Promise<boolean>;
  /** Creates the group's state again after it was lost (what it held comes from the producers' logs). */
  reset(): Promise<void>;
  /** Whether the transport has delivered everything it holds of `producer` to the group (nothing unread, nothing pending). */
  drained(producer: Producer): Promise<boolean>;
  positions(): Promise<SourcePosition[]>;
  /** Housekeeping (Redis: trims the retry stream, removes consumers that died). */
  maintain?(): Promise<{ trimmed: number; removedConsumers: string[] }>;
  /** Ends blocked reads so `stop()` returns promptly; a message that still arrives is given back. */
  interrupt(): void;
  close(): Promise<void>;
}

export interface SubscriptionSpec {
  group: string;
  producers: readonly Producer[];
  /** This replica's name in the group. */
  consumerName: string;
  /** The ack window: a delivery unacknowledged this long goes to another replica. */
  reclaimIdleMs: number;
  /** Deliveries after which a failing message is dead-lettered. */
  maxDeliveries: number;
  /** How long acknowledged retries stay (Redis retry stream). */
  streamRetentionMs: number;
  /** Consumers idle this long with nothing pending leave the group (Redis). */
  deadConsumerIdleMs: number;
}

/** What the consumer needs. */
export interface ConsumerTransport {
  subscribe(spec: SubscriptionSpec): Subscription;
}

/** Both sides, as the backbone picks them from configuration. */
export interface EventTransport {
  readonly kind: 'redis' | 'nats';
  /** Absent: the relay's default (Redis Streams on its own connection). */
  readonly relay?: RelayTransport;
  /** Absent: the consumer's default (Redis Streams on its own connections). */
  readonly consumer?: ConsumerTransport;
  /** Readiness: the transport answers (Redis is pinged by the backbone whatever the transport). */
  ping(): Promise<void>;
  /** Closes what the transport opened itself (not the owner's Redis connections). */
  close(): Promise<void>;
}

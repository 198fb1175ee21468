import type { TraceContext } from '@wavegraph/kit';
import { z } from 'zod';
import type { EventContract } from './contract';
import { CONTRACTS } from './contracts';

/** An event as it travels: the contract's payload wrapped in what every event carries. */
export interface EventEnvelope<P = unknown> {
  /** Unique per event; consumers record it to apply each event once. */
  id: string;
  /** `catalog.EpisodePublished` */
  type: string;
  version: number;
  occurredAt: string;
  aggregateId: string;
  /**
   * Increases with every event the producer records. Where the producer locks the aggregate
   * for the change (catalog's shows and episodes, likes, follows), it follows commit order per
   * aggregate, and consumers keep the newest snapshot by comparing it.
   */
  position: number;
  /**
   * The event's number in its producer's log: 1, 2, 3… in the order events reached the
   * transport, without gaps, so a consumer can tell which ones it never saw. Absent on events
   * that did not come through an outbox (tools and tests playing a producer).
   */
  seq?: number;
  trace: TraceContext;
  payload: P;
}

const Envelope = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z]+\.[A-Z][A-Za-z]+$/),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  aggregateId: z.string().min(1),
  position: z.number().int().nonnegative(),
  seq: z.number().int().positive().optional(),
  trace: z.object({ requestId: z.string().optional(), traceparent: z.string().optional() }),
  payload: z.unknown(),
});

/** Why a message could not be turned into an event; such a message is never retried. */
export class PoisonMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonMessage';
  }
}

/** Stream entries carry the envelope as one JSON field, so nothing is lost in translation. */
export const EVENT_FIELD = 'event';

/** `type` and `seq` ride beside the JSON so a consumer can pass over what it does not handle without parsing it. */
export function encodeEnvelope(event: EventEnvelope): string[] {
  const seq = event.seq === undefined ? [] : ['seq', String(event.seq)];
  return ['type', `${event.type}@${event.version}`, ...seq, EVENT_FIELD, JSON.stringify(event)];
}

/** The producing context of an event type (`catalog.EpisodePublished` → `catalog`). */
export const producerOfType = (type: string): string => type.slice(0, type.indexOf('.'));

/** A well-formed `type@version` field, as the relay writes it. */
export const TYPE_FIELD = /^([a-z]+)\.[A-Z][A-Za-z]+@[1-9][0-9]*$/;

export function fieldsToRecord(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

/** The envelope of a stream entry with its payload checked against its contract. */
export function decodeEnvelope(fields: string[], contracts: ReadonlyMap<string, EventContract<unknown>> = CONTRACTS): EventEnvelope {
  const raw = fieldsToRecord(fields)[EVENT_FIELD];
  if (raw === undefined) throw new PoisonMessage(`entry has no "${EVENT_FIELD}" field`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new PoisonMessage('event is not valid JSON');
  }
  return checkEnvelope(json, contracts);
}

/** An envelope already parsed (a producer's log serves them as JSON), checked as a stream entry's is. */
export function checkEnvelope(json: unknown, contracts: ReadonlyMap<string, EventContract<unknown>> = CONTRACTS): EventEnvelope {
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) throw new PoisonMessage(`invalid envelope: ${z.prettifyError(envelope.error)}`);
  const { type, version } = envelope.data;
  const contract = contracts.get(`${type}@${version}`);
  if (!contract) throw new PoisonMessage(`unknown event ${type} version ${version}`);
  const payload = contract.payload.safeParse(envelope.data.payload);
  if (!payload.success) throw new PoisonMessage(`invalid ${type}@${version} payload: ${z.prettifyError(payload.error)}`);
  return { ...envelope.data, trace: envelope.data.trace, payload: payload.data };
}

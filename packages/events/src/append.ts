import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { EventContract } from './contract';
import { encodeEnvelope, type EventEnvelope } from './envelope';
import { streamOf } from './streams';

let nextPosition = 1;

type EnvelopeOverrides<P> = Partial<Omit<EventEnvelope<P>, 'payload' | 'type' | 'version' | 'aggregateId'>>;

/** An event as a producer would have sent it, its payload checked against its contract (for tools and tests that play a producer). */
export function envelopeOf<P>(contract: EventContract<P>, aggregateId: string, payload: P, overrides: EnvelopeOverrides<P> = {}): EventEnvelope<P> {
  return {
    id: randomUUID(),
    type: contract.type,
    version: contract.version,
    occurredAt: new Date().toISOString(),
    aggregateId,
    position: nextPosition++,
    trace: {},
    payload: contract.payload.parse(payload),
    ...overrides,
  };
}

/**
 * Appends one event straight to its producer's stream, bypassing an outbox. For tools and
 * tests that play a producer; a subgraph always goes through `recordEvent`.
 */
export async function appendEvent<P>(
  redis: Redis,
  prefix: string,
  contract: EventContract<P>,
  aggregateId: string,
  payload: P,
  overrides: EnvelopeOverrides<P> = {},
): Promise<EventEnvelope<P>> {
  const event = envelopeOf(contract, aggregateId, payload, overrides);
  await redis.xadd(streamOf(prefix, contract.producer), '*', ...encodeEnvelope(event));
  return event;
}

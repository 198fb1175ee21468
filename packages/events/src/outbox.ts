import { randomUUID } from 'node:crypto';
import { carriedTrace } from '@wavegraph/kit';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { EventContract } from './contract';
import type { EventEnvelope } from './envelope';

/** The Postgres channel a commit with new outbox rows notifies. */
export const OUTBOX_CHANNEL = 'wavegraph_outbox';

/**
 * Records an event in the outbox inside the caller's transaction: it is sent if and only if
 * the change it describes commits. The payload is checked against its contract first, so a
 * producer cannot emit what consumers would reject.
 */
export async function recordEvent<P>(tx: EntityManager, contract: EventContract<P>, aggregateId: string, payload: P): Promise<string> {
  if (!tx.queryRunner?.isTransactionActive) throw new Error(`${contract.type} must be recorded inside the transaction of its change`);
  const checked = contract.payload.safeParse(payload);
  if (!checked.success) throw new Error(`${contract.type}@${contract.version} payload rejected: ${z.prettifyError(checked.error)}`);
  const id = randomUUID();
  await tx.query(
    `INSERT INTO outbox (event_id, type, version, aggregate_id, occurred_at, payload, trace)
     VALUES ($1, $2, $3, $4, now(), $5, $6)`,
    [id, contract.type, contract.version, aggregateId, JSON.stringify(checked.data), JSON.stringify(carriedTrace())],
  );
  // delivered only if the transaction commits: the relay wakes then, instead of at its next poll
  await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  return id;
}


/** An outbox row as the relay claims it and the log serves it. */
export interface OutboxRow {
  position: string;
  event_id: string;
  type: string;
  version: number;
  aggregate_id: string;
  occurred_at: Date;
  payload: unknown;
  trace: Record<string, string>;
}

/** The envelope an outbox row travels in, numbered `seq` in its producer's log. */
export const envelopeOfRow = (row: OutboxRow, seq: number): EventEnvelope => ({
  id: row.event_id,
  type: row.type,
  version: row.version,
  occurredAt: row.occurred_at.toISOString(),
  aggregateId: row.aggregate_id,
  position: Number(row.position),
  seq,
  trace: row.trace,
  payload: row.payload,
});

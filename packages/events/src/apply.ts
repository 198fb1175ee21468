import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { EventContract } from './contract';
import { producerOfType, type EventEnvelope } from './envelope';

/**
 * What a consuming context does with one event type; runs inside the inbox transaction.
 * Events of different producers arrive in any order: a handler whose effect combines them
 * follows packages/events/ORDERING.md.
 * The payload type is erased here so handlers of different events fit in one list; `on`
 * keeps it typed for the code that writes the handler.
 */
export interface EventHandler {
  contract: EventContract<unknown>;
  apply(event: EventEnvelope, tx: EntityManager): Promise<void>;
}

export function on<P>(contract: EventContract<P>, apply: (event: EventEnvelope<P>, tx: EntityManager) => Promise<void>): EventHandler {
  // sound: the consumer only calls a handler with an event decoded against this very contract
  return { contract: contract as EventContract<unknown>, apply: apply as EventHandler['apply'] };
}

/** Handlers by event type (any version: the envelope was already checked against its contract). */
export function handlersByType(handlers: readonly EventHandler[]): Map<string, EventHandler[]> {
  const byType = new Map<string, EventHandler[]>();
  for (const handler of handlers) {
    const key = `${handler.contract.type}@${handler.contract.version}`;
    byType.set(key, [...(byType.get(key) ?? []), handler]);
  }
  return byType;
}

/**
 * Applies an event exactly once for `consumer`: its id goes into the inbox in the same
 * transaction as the handlers' writes. Returns false when it had been applied before.
 * A concurrent duplicate waits on the inbox row and then sees it, so it is skipped too.
 */
export function applyOnce(
  dataSource: DataSource,
  consumer: string,
  event: EventEnvelope,
  handlers: readonly EventHandler[],
): Promise<boolean> {
  return dataSource.transaction((tx) => applyInTransaction(tx, consumer, event, handlers));
}

/** The same inside a transaction the caller owns (a rebuild replays everything in one). */
export async function applyInTransaction(
  tx: EntityManager,
  consumer: string,
  event: EventEnvelope,
  handlers: readonly EventHandler[],
): Promise<boolean> {
  // seen, whether applied now or before: the consumer's watermark moves over it (one round trip with the inbox row)
  const seen = event.seq === undefined ? null : producerOfType(event.type);
  const inserted: unknown[] = await tx.query(
    `WITH seen AS (
       INSERT INTO event_positions (consumer, producer, seq) SELECT $1, $4, $5 WHERE $4::text IS NOT NULL ON CONFLICT DO NOTHING
     )
     INSERT INTO inbox (consumer, event_id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, event.id, `${event.type}@${event.version}`, seen, event.seq ?? null],
  );
  if (!inserted.length) return false;
  for (const handler of handlers) await handler.apply(event, tx);
  return true;
}

/**
 * Applies a batch of events in ONE transaction, each behind its own savepoint: one commit (one
 * WAL flush) for the whole batch instead of one per event, while a failing event is rolled back
 * alone and the others stay. Nothing is applied until `commit()`; `rollback()` drops it all.
 */
export class BatchTransaction {
  private constructor(private readonly runner: QueryRunner) {}

  static async open(dataSource: DataSource): Promise<BatchTransaction> {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new BatchTransaction(runner);
  }

  /** As applyInTransaction; a failure leaves the batch as it was before this event, and is rethrown. */
  async apply(consumer: string, event: EventEnvelope, handlers: readonly EventHandler[]): Promise<boolean> {
    await this.runner.query('SAVEPOINT wavegraph_event');
    try {
      const fresh = await applyInTransaction(this.runner.manager, consumer, event, handlers);
      await this.runner.query('RELEASE SAVEPOINT wavegraph_event');
      return fresh;
    } catch (error) {
      await this.runner.query('ROLLBACK TO SAVEPOINT wavegraph_event').catch(() => undefined);
      throw error;
    }
  }

  async commit(): Promise<void> {
    try {
      await this.runner.commitTransaction();
    } finally {
      await this.runner.release();
    }
  }

  async rollback(): Promise<void> {
    try {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.runner.release();
    }
  }
}

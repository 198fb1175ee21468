import { AsyncLocalStorage } from 'node:async_hooks';
import { GraphQLError } from 'graphql';
import { EventSubscriber, type EntitySubscriberInterface, type TransactionCommitEvent } from 'typeorm';

/**
 * The gateway's deadline for the request being served (epoch ms, from its signed envelope): the
 * moment it stops waiting and tells its client the request failed. The HTTP server refuses an
 * envelope read after it; this carries it into the request's work, so a transaction that is
 * still running then is rolled back instead of committed (see DeadlineGuard).
 */
const store = new AsyncLocalStorage<number>();

export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';

export function runWithDeadline<T>(deadline: number | null, fn: () => T): T {
  return deadline === null ? fn() : store.run(deadline, fn);
}

/** The deadline of the request being served, if it has one (work outside a request has none). */
export function currentDeadline(): number | undefined {
  return store.getStore();
}

export function deadlineExceeded(): GraphQLError {
  return new GraphQLError('The gateway stopped waiting for this request before it could be saved; nothing was changed', {
    extensions: { code: DEADLINE_EXCEEDED },
  });
}

/**
 * Registered on every subgraph's DataSource: TypeORM runs `beforeTransactionCommit` just before
 * it sends COMMIT, and a throw there rolls the transaction back. So a mutation whose gateway has
 * already answered "unavailable" does not take effect behind the client's back. It costs a clock
 * read per commit; a commit that starts just before the deadline can still land after it (the
 * COMMIT's own round trip), a window of milliseconds rather than of a whole stall.
 */
@EventSubscriber()
export class DeadlineGuard implements EntitySubscriberInterface {
  beforeTransactionCommit(_event: TransactionCommitEvent): void {
    const deadline = store.getStore();
    if (deadline !== undefined && Date.now() > deadline) throw deadlineExceeded();
  }
}

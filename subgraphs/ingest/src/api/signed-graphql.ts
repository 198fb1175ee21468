import { randomUUID } from 'node:crypto';
import { signEnvelope, type Viewer } from '@wavegraph/auth';

/** A subgraph refusing a call (its GraphQL error code), or not answering (NETWORK). */
export class SubgraphError extends Error {
  /** `row`: the index of the refused row of a batch (catalog's importEpisodes); `extensions`: all the error said. */
  constructor(message: string, readonly code: string, readonly field?: string, readonly row?: number, readonly extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SubgraphError';
  }

  /** The subgraph or the network failing, as opposed to the subgraph refusing what was sent. */
  get transient(): boolean {
    return this.code === 'NETWORK' || this.code === 'SERVICE_UNAVAILABLE' || this.code === 'INTERNAL_SERVER_ERROR' || this.code === 'DEADLINE_EXCEEDED';
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string; row?: number; [key: string]: unknown } }>;
}

/**
 * One GraphQL request to a subgraph, signed the way the gateway signs (the caller holds the
 * gateway secret) for `viewer`, with a deadline after which the subgraph must not run it.
 */
export async function signedGraphQL<T>(url: string, secret: string, viewer: Viewer, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
  const body = JSON.stringify({ query, variables });
  const now = Date.now();
  const headers = signEnvelope(secret, { viewer, requestId: randomUUID(), timestamp: now, body, deadline: now + timeoutMs });
  let answer: GraphQLAnswer<T>;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(timeoutMs) });
    answer = (await response.json()) as GraphQLAnswer<T>;
  } catch (error) {
    throw new SubgraphError(`${new URL(url).host} could not be reached: ${(error as Error).message}`, 'NETWORK');
  }
  const first = answer.errors?.[0];
  if (first || !answer.data) throw new SubgraphError(first?.message ?? 'the subgraph answered nothing', first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.extensions?.field, typeof first?.extensions?.row === 'number' ? first.extensions.row : undefined, first?.extensions ?? {});
  return answer.data;
}

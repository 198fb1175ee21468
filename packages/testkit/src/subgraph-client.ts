import { randomUUID } from 'node:crypto';
import { signEnvelope, type Viewer } from '@wavegraph/auth';

export const TEST_GATEWAY_SECRET = 'wavegraph-test-gateway-secret';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** How long a test call's envelope lets the subgraph take before it must not run it: more than the gateway's default, for a loaded CI machine. */
const CALL_DEADLINE_MS = 30_000;

/**
 * A kept-alive connection the server closed as idle just as this call reused it: the request
 * never reached the server (it was closing that socket), so sending it again is safe.
 */
function resetBeforeAnswer(error: unknown): boolean {
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause?.code ?? '') as string;
  return error instanceof TypeError && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code);
}

/** Calls a subgraph the way the gateway does: a signed envelope carrying the viewer and a deadline. */
export async function callSubgraph<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  viewer: Viewer | null = null,
  secret: string = TEST_GATEWAY_SECRET,
): Promise<GraphQLResponse<T>> {
  const body = JSON.stringify({ query, variables });
  // an envelope is used once: a resend is signed afresh
  const send = () => {
    const now = Date.now();
    const headers = signEnvelope(secret, { viewer, requestId: randomUUID(), timestamp: now, body, deadline: now + CALL_DEADLINE_MS });
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  };
  const response = await send().catch((error: unknown) => {
    if (resetBeforeAnswer(error)) return send();
    throw error;
  });
  const json = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...json };
}

import { randomUUID } from 'node:crypto';
import { signEnvelope, type Viewer } from '@wavegraph/auth';

export const TEST_GATEWAY_SECRET = 'wavegraph-test-gateway-secret';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** How long a test call's envelope lets the subgraph take before it must not run it (the gateway's default timeout). */
const CALL_DEADLINE_MS = 10_000;

/** Calls a subgraph the way the gateway does: a signed envelope carrying the viewer and a deadline. */
export async function callSubgraph<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  viewer: Viewer | null = null,
  secret: string = TEST_GATEWAY_SECRET,
): Promise<GraphQLResponse<T>> {
  const body = JSON.stringify({ query, variables });
  const now = Date.now();
  const headers = signEnvelope(secret, { viewer, requestId: randomUUID(), timestamp: now, body, deadline: now + CALL_DEADLINE_MS });
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...json };
}

import { tracing } from '@wavegraph/telemetry';
import { GraphQLError } from 'graphql';
import type { SubgraphHttp, SubgraphReply } from './http-client';
import type { Signer } from './signer';
import type { GatewayGraphQLResponse } from './types';

/** What is sent to a subgraph: the GraphQL request body's fields. */
export interface SubgraphPayload {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** Who a subgraph request is sent for: the encoded viewer header and the client request's id. */
export interface SubgraphCaller {
  viewer: string;
  requestId: string;
  /**
   * The client's traceparent, sent on when this gateway does not trace (with tracing on, the
   * gateway's own span is sent by the HTTP client's instrumentation instead). A merged fetch
   * carries the first caller's.
   */
  traceparent?: string;
}

const isJson = (reply: SubgraphReply) => reply.contentType.startsWith('application/json') || reply.contentType.startsWith('application/graphql-response+json');

function bodyOf(reply: SubgraphReply): unknown {
  return isJson(reply) ? JSON.parse(reply.text) : reply.text;
}

/** A non-2xx answer as Apollo's RemoteGraphQLDataSource reports it, so retries and breakers read it alike. */
function failedResponse(url: string, reply: SubgraphReply): GraphQLError {
  let body: unknown;
  try {
    body = bodyOf(reply);
  } catch {
    body = reply.text;
  }
  const code = reply.status === 401 ? 'UNAUTHENTICATED' : reply.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${reply.status}: ${reply.statusText}`, {
    extensions: { response: { url, status: reply.status, statusText: reply.statusText, body }, ...(code && { code }) },
  });
}

/**
 * One attempt of one subgraph request: signed at the last moment over the exact bytes sent
 * (each retry is a fresh envelope with its own nonce, and the fetch's one deadline) and posted on
 * the subgraph's pool. Throws on a non-2xx answer or one that is not JSON, so retries and
 * breakers see the failure.
 */
export async function exchange(
  http: SubgraphHttp, signer: Signer, url: string, caller: SubgraphCaller, body: string, signal?: AbortSignal, deadline?: number,
): Promise<SubgraphReply> {
  // the envelope headers: viewer, request id, time, nonce, deadline and the signature over all of them and the body
  const headers: Record<string, string> = { 'content-type': 'application/json', ...signer.request(caller.viewer, caller.requestId, body, deadline) };
  if (caller.traceparent && !tracing()) headers.traceparent = caller.traceparent;
  const reply = await http.post(url, headers, body, signal);
  if (reply.status < 200 || reply.status > 299) throw failedResponse(url, reply);
  if (!isJson(reply)) throw new Error(`Expected JSON response body, but received: ${reply.text}`);
  return reply;
}

/** A 2xx JSON answer read as GraphQL; each caller parses its own copy, so no two requests share an object. */
export function graphqlResponseOf(reply: SubgraphReply): GatewayGraphQLResponse {
  const parsed: unknown = JSON.parse(reply.text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
  return parsed as GatewayGraphQLResponse;
}

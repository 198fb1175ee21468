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
}

function bodyOf(reply: SubgraphReply): unknown {
  const json = reply.contentType.startsWith('application/json') || reply.contentType.startsWith('application/graphql-response+json');
  return json ? JSON.parse(reply.text) : reply.text;
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
 * (each retry is a fresh envelope with its own nonce), posted on the subgraph's pool, and read
 * as GraphQL. Throws on a non-2xx answer or a body that is not a JSON object.
 */
export async function exchange(http: SubgraphHttp, signer: Signer, url: string, caller: SubgraphCaller, payload: SubgraphPayload, signal?: AbortSignal): Promise<GatewayGraphQLResponse> {
  const body = JSON.stringify(payload);
  // the envelope headers: viewer, request id, time, nonce and the signature over all of them and the body
  const headers = { 'content-type': 'application/json', ...signer.request(caller.viewer, caller.requestId, body) };
  const reply = await http.post(url, headers, body, signal);
  if (reply.status < 200 || reply.status > 299) throw failedResponse(url, reply);
  const parsed = bodyOf(reply);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
  return parsed as GatewayGraphQLResponse;
}

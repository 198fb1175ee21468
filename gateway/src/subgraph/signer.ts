import { randomUUID } from 'node:crypto';
import { encodeViewer, OPERATION_ENVELOPE_EXTENSION, operationBody, signEncodedEnvelope, type Viewer } from '@wavegraph/auth';

/**
 * The one place the gateway signs what it sends to a subgraph, over HTTP and WebSocket alike:
 * each envelope gets the time of signing and a fresh nonce, so every attempt (a retry, a
 * reconnect) is a new envelope a subgraph accepts once.
 */
export interface Signer {
  /**
   * Envelope headers for an HTTP request, over the exact bytes of its body. `deadline` (epoch ms)
   * is when the gateway stops waiting for the answer: the subgraph refuses to run it after that.
   */
  request(encodedViewer: string, requestId: string, body: string | Buffer, deadline?: number): Record<string, string>;
  /** graphql-ws connection_init params: who the caller is, no operation. */
  handshake(viewer: Viewer | null): Record<string, string>;
  /** The `extensions` of a subscribe message, binding it to this operation and viewer. */
  operation(viewer: Viewer | null, query: string, variables: Readonly<Record<string, unknown>>): Record<string, Record<string, string>>;
}

export function createSigner(secret: string, now: () => number = Date.now): Signer {
  const request: Signer['request'] = (encodedViewer, requestId, body, deadline) =>
    signEncodedEnvelope(secret, encodedViewer, requestId, now(), body, undefined, deadline);
  // graphql-ws envelopes carry no deadline: a subscription has no answer the gateway stops waiting for
  return {
    request,
    handshake: (viewer) => request(encodeViewer(viewer), randomUUID(), ''),
    operation: (viewer, query, variables) => ({
      [OPERATION_ENVELOPE_EXTENSION]: request(encodeViewer(viewer), randomUUID(), operationBody(query, variables)),
    }),
  };
}

import type { Viewer } from '@wavegraph/auth';

/** What GraphQL adds to a request's access log line (filled in by its plugin, read when the response is sent; see http/access-log.ts). */
export interface AccessRecord {
  operationName?: string;
  viewerId?: string;
  errorCodes?: string[];
}

/** Per-request state of the gateway, handed to every subgraph fetch. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
  /** The client's W3C traceparent, passed on to subgraphs when this gateway does not trace itself. */
  traceparent?: string;
  /** The caller's address (through trusted proxies only): the key of anonymous rate limits. Absent while completing a subscription event. */
  clientIp?: string;
  /** What the request's access log line says of its GraphQL part (absent when it gets no line). */
  access?: AccessRecord;
}

import type { Viewer } from '@wavegraph/auth';

/** Per-request state of the gateway, handed to every subgraph fetch. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
  /** The client's W3C traceparent, passed on to subgraphs when this gateway does not trace itself. */
  traceparent?: string;
  /** The caller's address (through trusted proxies only): the key of anonymous rate limits. Absent while completing a subscription event. */
  clientIp?: string;
}

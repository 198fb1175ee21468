import type { Viewer } from '@wavegraph/auth';

/** Per-request state of the gateway, handed to every subgraph fetch. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
  /** The caller's address (through trusted proxies only): the key of anonymous rate limits. Absent while completing a subscription event. */
  clientIp?: string;
}

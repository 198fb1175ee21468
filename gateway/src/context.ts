import type { Viewer } from '@wavegraph/auth';

/** Per-request state of the gateway, handed to every subgraph fetch. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
}

import type { Viewer } from '@wavegraph/auth';
import type { Logger } from './logger';
import type { Loaders } from './loaders';
import { unauthenticated } from './errors';
import type { SubgraphPubSub } from './pubsub';

/** What every resolver of a subgraph receives. */
export interface Context<S> {
  viewer: Viewer | null;
  requestId: string;
  loaders: Loaders;
  services: S;
  /** This subgraph's events for Subscription fields (see subscribeTopic). */
  pubSub: SubgraphPubSub;
  log: Logger;
}

export function requireViewer(ctx: { viewer: Viewer | null }): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

import type { Viewer } from '@wavegraph/auth';
import type { Logger } from './logger';
import type { Loaders } from './loaders';
import { unauthenticated } from './errors';

/** What every resolver of a subgraph receives. */
export interface Context<S> {
  viewer: Viewer | null;
  requestId: string;
  loaders: Loaders;
  services: S;
  log: Logger;
}

export function requireViewer(ctx: { viewer: Viewer | null }): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

import type { ExecutionResult } from 'graphql';
import { createGatewayLogger } from '../../server';
import { SharedSubscription } from '../shared-subscription';
import type { UpstreamEvent } from '../upstream';

export interface FakeUpstream {
  next(event: UpstreamEvent): void;
  error(error: unknown): void;
}

/**
 * For specs: a shared subscription whose events complete as they are, with its upstream in the
 * spec's hands; it records every result it serializes and whether the upstream was stopped.
 */
export function sharedSubscriptionForSpec() {
  let upstream: FakeUpstream | undefined;
  const serialized: ExecutionResult[] = [];
  const stopped = jest.fn();
  const subscription = new SharedSubscription({
    subgraph: 'engagement',
    request: { query: 'subscription { x }', operationName: undefined, variables: {}, viewer: null, requestId: 'r' },
    upstream: { query: 'subscription { x }', variables: {} },
    completer: { complete: async (event) => event as ExecutionResult },
    open: (_request, sink) => {
      upstream = sink;
      return stopped;
    },
    onClosed: () => undefined,
    serialize: (result) => {
      serialized.push(result);
      return JSON.stringify(result);
    },
    log: createGatewayLogger(),
  });
  subscription.start();
  return { subscription, upstream: () => upstream as FakeUpstream, serialized, stopped };
}

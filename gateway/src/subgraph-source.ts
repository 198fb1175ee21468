import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ENVELOPE_HEADERS, encodeViewer } from '@wavegraph/auth';
import type { GatewayContext } from './context';
import type { SubgraphBreakers } from './subgraph/breakers';
import { runFetch } from './subgraph/policies';
import { fetchKindOf, isRetryable } from './subgraph/retryable';
import { signedFetch } from './subgraph/signed-fetch';
import type { Signer } from './subgraph/signer';
import type { GatewayGraphQLResponse } from './subgraph/types';
import { unavailableResponse } from './subgraph/unavailable';

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  signer: Signer;
  breakers: SubgraphBreakers;
  onUnavailable?: (name: string, error: unknown) => void;
}

/**
 * A subgraph fetch, composed of small pieces each with one concern: the signer (signed-fetch),
 * the deadline, retries of reads and the subgraph's breaker (policies, breakers, retryable),
 * and, when all of that still gets no answer, located SUBGRAPH_UNAVAILABLE errors (unavailable).
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  // the attempt's signal reaches the fetcher, which RemoteGraphQLDataSource calls without one
  private readonly attempt = new AsyncLocalStorage<AbortSignal>();

  constructor(private readonly options: SubgraphSourceOptions) {
    super({ url: options.url });
    options.breakers.register(options.name);
    this.fetcher = signedFetch(options.signer, () => this.attempt.getStore());
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const policies = this.options.breakers.policies(this.options.name, isRetryable(fetchKindOf(options)));
    try {
      return await runFetch(policies, (signal) => this.attempt.run(signal, () => super.process(options)));
    } catch (error) {
      this.options.onUnavailable?.(this.options.name, error);
      return unavailableResponse(this.options.name, options.request);
    }
  }

  /** States who the caller is; the fetcher signs it together with the exact bytes sent. */
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    request.http?.headers.set(ENVELOPE_HEADERS.viewer, encodeViewer(context.viewer ?? null));
    request.http?.headers.set(ENVELOPE_HEADERS.requestId, context.requestId ?? '');
  }
}

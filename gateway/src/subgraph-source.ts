import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { encodeViewer } from '@wavegraph/auth';
import type { GatewayContext } from './context';
import type { EntityCache } from './entity-cache/entity-cache';
import type { SubgraphFetchSeries } from './metrics/fetch-metrics';
import { CACHE_POLICY, cachePolicyOf, type WithCachePolicy } from './entity-cache/policy';
import type { SubgraphBreakers } from './subgraph/breakers';
import { EntityBatcher, representationsOf, type EntityBatchSettings } from './subgraph/entity-batcher';
import { exchange, graphqlResponseOf, type SubgraphCaller, type SubgraphPayload } from './subgraph/exchange';
import type { SubgraphHttp, SubgraphReply } from './subgraph/http-client';
import { runFetch } from './subgraph/policies';
import { fetchKindOf, isRetryable } from './subgraph/retryable';
import type { Signer } from './subgraph/signer';
import type { GatewayGraphQLResponse } from './subgraph/types';
import { unavailableResponse } from './subgraph/unavailable';

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  signer: Signer;
  breakers: SubgraphBreakers;
  http: SubgraphHttp;
  batching: EntityBatchSettings;
  /** Identical reads (same viewer, same bytes) in flight at once share one subgraph request. */
  dedupeReads: boolean;
  /** The entity cache shared by every data source, when GATEWAY_ENTITY_CACHE is on: reads' `_entities` fetches go through it. */
  entityCache?: EntityCache;
  onUnavailable?: (name: string, error: unknown) => void;
  /** This subgraph's fetch latency and errors. */
  metrics?: SubgraphFetchSeries;
}

/** Reads up to this size are shared with an identical one in flight. */
const SHARED_BODY_BYTES = 64 * 1024;

// the viewer header is the same for every fetch of one client request: encoded once
const callers = new WeakMap<object, SubgraphCaller>();

function callerOf(context: Partial<GatewayContext> | undefined): SubgraphCaller {
  if (!context) return { viewer: '', requestId: '' };
  let caller = callers.get(context);
  if (!caller) {
    caller = { viewer: encodeViewer(context.viewer ?? null), requestId: context.requestId ?? '', traceparent: context.traceparent };
    callers.set(context, caller);
  }
  return caller;
}

/** Who a fetch is sent for, and whether it may be sent again. */
interface Sender {
  retryable: boolean;
  caller: SubgraphCaller;
}

/** Fetches that may share one subgraph request: same viewer, same retry rule, same operation and other variables. */
function batchKey(caller: SubgraphCaller, retryable: boolean, payload: SubgraphPayload): string {
  const { representations: _representations, ...others } = payload.variables ?? {};
  const rest = Object.keys(others).length > 0 ? JSON.stringify(others) : '';
  return `${retryable ? 'r' : 'o'}\n${caller.viewer}\n${payload.operationName ?? ''}\n${rest}\n${payload.query}`;
}

/**
 * A subgraph fetch, composed of small pieces each with one concern: merging of concurrent
 * entity fetches (entity-batcher), the signed exchange on the subgraph's pooled connections
 * (exchange, http-client), the deadline, retries of reads and the subgraph's breaker (policies,
 * breakers, retryable), and, when all of that still gets no answer, located
 * SUBGRAPH_UNAVAILABLE errors (unavailable).
 */
export class SubgraphSource implements GraphQLDataSource<GatewayContext> {
  private readonly inflight = new Map<string, Map<string, Promise<SubgraphReply>>>();
  private readonly batcher: EntityBatcher<Sender>;

  constructor(private readonly options: SubgraphSourceOptions) {
    options.breakers.register(options.name);
    // a merged request is sent as its first member's: same viewer and retry rule (the key), that request's id in the subgraph's logs
    this.batcher = new EntityBatcher(options.batching, (payload, { retryable, caller }) => this.send(retryable, payload, caller));
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const payload: SubgraphPayload = { query: request.query, variables: request.variables, operationName: request.operationName };
    const retryable = isRetryable(fetchKindOf(options));
    const caller = callerOf(options.context as Partial<GatewayContext> | undefined);
    try {
      if (!representationsOf(payload)) return await this.send(retryable, payload, caller);
      const batched = (sent: SubgraphPayload) => this.batcher.fetch(batchKey(caller, retryable, sent), sent, { retryable, caller });
      // only reads: a mutation's entity fetches read what it just wrote
      const cache = retryable ? this.options.entityCache : undefined;
      return await (cache ? cache.fetch(this.options.name, payload, batched) : batched(payload));
    } catch (error) {
      this.options.metrics?.unavailable(error);
      this.options.onUnavailable?.(this.options.name, error);
      return unavailableResponse(this.options.name, request, 'document' in options ? options.document : undefined);
    }
  }

  private async send(retryable: boolean, payload: SubgraphPayload, caller: SubgraphCaller): Promise<WithCachePolicy<GatewayGraphQLResponse>> {
    const body = JSON.stringify(payload);
    // only reads are shared, and only by callers of the same viewer; a large body (a merged batch)
    // is seldom sent twice at once, and keying it would cost about what sharing saves
    const shared = retryable && this.options.dedupeReads && body.length <= SHARED_BODY_BYTES ? this.inflightOf(caller.viewer) : undefined;
    let reply = shared?.get(body);
    if (!reply) {
      const policies = this.options.breakers.policies(this.options.name, retryable);
      const { http, signer, url, metrics } = this.options;
      reply = runFetch(policies, metrics
        ? (signal, deadline) => metrics.attempt(exchange(http, signer, url, caller, body, signal, deadline), signal)
        : (signal, deadline) => exchange(http, signer, url, caller, body, signal, deadline));
      if (shared) {
        shared.set(body, reply);
        const forget = () => {
          shared.delete(body);
          if (shared.size === 0 && this.inflight.get(caller.viewer) === shared) this.inflight.delete(caller.viewer);
        };
        reply.then(forget, forget);
      }
    }
    const received = await reply;
    const response: WithCachePolicy<GatewayGraphQLResponse> = graphqlResponseOf(received);
    // the subgraph's policy travels with the response (through the batcher's split) to the entity cache
    if (this.options.entityCache) response[CACHE_POLICY] = cachePolicyOf(received.cacheControl);
    return response;
  }

  /** The reads of one viewer in flight, by body. */
  private inflightOf(viewer: string): Map<string, Promise<SubgraphReply>> {
    let reads = this.inflight.get(viewer);
    if (!reads) this.inflight.set(viewer, (reads = new Map()));
    return reads;
  }
}

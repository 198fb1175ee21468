import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { Viewer } from '@wavegraph/auth';
import type { ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context';
import type { PlannedSupergraph, SubscriptionPlan } from './planner';
import type { UpstreamEvent } from './upstream';

type RequestContext = Parameters<typeof executeQueryPlan>[2];
type DataSourceResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** The service name the primary fetch is rerouted to: it answers with the event instead of calling anyone. */
const EVENT_SOURCE = '__subscription_event__';

export interface EventRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  viewer: Viewer | null;
  requestId: string;
}

/**
 * Completes one upstream event into the subscriber's full result: the plan's `primary` fetch is
 * answered by the event itself, then the `rest` nodes run as for any query, so fields owned by
 * other subgraphs are fetched (batched per event) by the gateway's own entity resolution.
 */
export class EventCompleter {
  private readonly plan: QueryPlan;

  constructor(
    private readonly subscription: SubscriptionPlan,
    private readonly supergraph: PlannedSupergraph,
    /** Every subgraph's data source, as the gateway fetches from it. */
    private readonly sources: ServiceMap,
    private readonly log: Logger,
  ) {
    const primary = { ...subscription.primary, serviceName: EVENT_SOURCE };
    this.plan = { kind: 'QueryPlan', node: subscription.rest ? { kind: 'Sequence', nodes: [primary, subscription.rest] } : primary };
  }

  async complete(event: UpstreamEvent, request: EventRequest): Promise<ExecutionResult> {
    // an event without data (the subgraph refused or failed) has nothing to complete
    if (!event.data) return { errors: event.errors as ExecutionResult['errors'] };
    const eventSource: GraphQLDataSource = { process: async () => event as DataSourceResponse };
    const serviceMap: ServiceMap = { ...this.sources, [EVENT_SOURCE]: eventSource };
    const context: GatewayContext = { viewer: request.viewer, requestId: request.requestId };
    const requestContext = {
      request: { query: request.query, operationName: request.operationName, variables: request.variables },
      context,
      logger: this.log,
      metrics: {},
    } as unknown as RequestContext;
    return executeQueryPlan(
      this.plan,
      serviceMap,
      requestContext,
      this.subscription.operationContext,
      this.supergraph.supergraphSchema,
      this.supergraph.apiSchema,
    ) as Promise<ExecutionResult>;
  }
}

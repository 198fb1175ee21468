import { inSpan, tracing } from '@wavegraph/telemetry';
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { QueryPlanner } from '@apollo/query-planner';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { prepareOperation, type DelegatedOperation, type PreparedOperation } from './prepare';
import { rootCursor, runNode, type PlanRun } from './run-plan';

type GatewayInterface = Pick<ApolloGateway, 'load' | 'stop' | 'onSchemaLoadOrUpdate'>;
type Executor = NonNullable<Awaited<ReturnType<ApolloGateway['load']>>['executor']>;
type RequestContext = Parameters<Executor>[0];
type ExecutionResult = Awaited<ReturnType<Executor>>;

/** The gateway's plan cache (GATEWAY_PLAN_CACHE_*). */
export interface PlanCacheSettings {
  /** Operations whose plans are kept per supergraph, least recently used evicted first. Default 1000. */
  maxOperations: number;
}

/** What @apollo/gateway holds for the supergraph it serves right now (its fields, read each request, so a reload is seen at once). */
interface Served {
  queryPlanner: QueryPlanner;
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  schema: GraphQLSchema;
  serviceMap: Record<string, { dataSource: GraphQLDataSource }>;
  recursiveSelectionsLimitDisabled: boolean;
  nonLocalSelectionsLimitDisabled: boolean;
}

type Cached = PreparedOperation | DelegatedOperation;

function servedBy(gateway: ApolloGateway): Served | undefined {
  const served = gateway as unknown as Partial<Served>;
  return served.queryPlanner && served.apiSchema && served.supergraphSchema && served.schema && served.serviceMap ? (served as Served) : undefined;
}

/** Operation text hash and name: the cache key within one supergraph. */
const keyOf = (request: RequestContext): string => `${request.request.operationName ?? ''}\n${request.queryHash}`;

/**
 * @apollo/gateway's loading, planning and composition with our own plan execution: plans are
 * cached per supergraph (a reload starts a new cache, so no plan outlives its supergraph),
 * keyed by the operation's text hash and name, and executed without per-request operation
 * rebuilding, tracing objects or spans. What it does not run itself is delegated to
 * @apollo/gateway's executor, which answers it exactly as before.
 */
export class FastGateway implements GatewayInterface {
  private readonly plans = new WeakMap<QueryPlanner, LRUCache<string, Cached>>();
  private delegate: Executor | null = null;

  constructor(
    private readonly gateway: ApolloGateway,
    private readonly settings: PlanCacheSettings,
    private readonly log: Logger,
  ) {}

  onSchemaLoadOrUpdate: ApolloGateway['onSchemaLoadOrUpdate'] = (callback) => this.gateway.onSchemaLoadOrUpdate(callback);

  stop(): Promise<void> {
    return this.gateway.stop();
  }

  async load(options: Parameters<ApolloGateway['load']>[0]): ReturnType<ApolloGateway['load']> {
    const loaded = await this.gateway.load(options);
    if (!servedBy(this.gateway)) throw new Error('@apollo/gateway does not expose its planner and schemas as expected: check its version');
    this.delegate = loaded.executor;
    return { ...loaded, executor: (request) => this.execute(request) };
  }

  /** The prepared operation of `request` over the supergraph `served`, from the cache or planned now. */
  private prepared(served: Served, request: RequestContext): Cached {
    let cache = this.plans.get(served.queryPlanner);
    if (!cache) {
      cache = new LRUCache<string, Cached>({ max: this.settings.maxOperations });
      this.plans.set(served.queryPlanner, cache);
    }
    const key = keyOf(request);
    let prepared = cache.get(key);
    if (!prepared) {
      prepared = prepareOperation(served.apiSchema, served.schema, served.queryPlanner, request.document, request.request.operationName ?? undefined, served);
      if ('delegated' in prepared) this.log.debug({ reason: prepared.delegated }, 'operation left to @apollo/gateway');
      cache.set(key, prepared);
    }
    return prepared;
  }

  private async execute(request: RequestContext): Promise<ExecutionResult> {
    const served = servedBy(this.gateway);
    const prepared = served && this.prepared(served, request);
    if (!served || !prepared || 'delegated' in prepared) return this.delegate!(request);
    const ready = prepared;
    const variables = request.request.variables ?? undefined;
    if (ready.variableDefinitions.length > 0) {
      const { errors } = getVariableValues(served.schema, ready.variableDefinitions, variables ?? {});
      if (errors) return { errors };
    }
    const services: Record<string, GraphQLDataSource> = Object.create(null);
    for (const name of Object.keys(served.serviceMap)) services[name] = served.serviceMap[name].dataSource;
    const run: PlanRun = {
      services,
      supergraphSchema: served.supergraphSchema,
      operation: ready.operation,
      variables,
      incomingRequestContext: request,
      context: request.context,
      errors: [],
    };
    const data = Object.create(null) as Record<string, unknown>;
    // the plan's run as a span (its subgraph calls are children); with tracing off, no span at all
    if (ready.root) await (tracing() ? inSpan('gateway.plan', { attributes: { 'graphql.operation.name': request.operationName ?? '' } }, () => runNode(run, ready.root!, rootCursor(data))) : runNode(run, ready.root, rootCursor(data)));
    return shape(run, ready, data);
  }
}

/** The client's response from the fetched data; value errors reported as @apollo/gateway reports them. */
function shape(run: PlanRun, prepared: PreparedOperation, input: Record<string, unknown>): ExecutionResult {
  const { errors } = run;
  try {
    const shaped = prepared.shape(input, run.variables);
    if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return errors.length === 0 ? { data: shaped.data } : { errors: errors as GraphQLError[], data: shaped.data };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
    return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
  }
}

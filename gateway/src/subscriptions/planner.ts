import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

type OperationContext = ReturnType<typeof buildOperationContext>;

/** A subscription as the query planner split it: one upstream subscription, then the fetches that complete each event. */
export interface SubscriptionPlan {
  primary: FetchNode;
  rest?: PlanNode;
  operationContext: OperationContext;
}

/** What executing a plan needs to know about the supergraph it came from. */
export interface PlannedSupergraph {
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  /** The routing URL the supergraph gives each subgraph. */
  subgraphUrls: Record<string, string>;
}

/** A subscription document parsed and validated, or why it cannot run. */
export type CheckedDocument = { document: DocumentNode } | { errors: readonly GraphQLError[] };

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

/**
 * Plans subscriptions with the gateway's own query planner (the very @apollo/query-planner and
 * @apollo/federation-internals copies @apollo/gateway runs on), over the supergraph the gateway
 * serves. Rebuilt whenever the gateway loads a new supergraph; plans are cached per operation.
 */
export class SubscriptionPlanner implements PlannedSupergraph {
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  readonly subgraphUrls: Record<string, string>;
  /** The client-facing schema operations are validated against. */
  readonly schema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, SubscriptionPlan>();
  private readonly checkedDocuments = new Map<string, CheckedDocument>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.subgraphUrls = Object.fromEntries(supergraph.subgraphsMetadata().map(({ name, url }) => [name, url]));
    this.planner = new QueryPlanner(supergraph);
  }

  /** The errors that make an operation unfit to run: graphql-js's rules, then `extraRules`. */
  validate(document: DocumentNode, extraRules: readonly ValidationRule[] = []): readonly GraphQLError[] {
    return validate(this.schema, document, [...specifiedRules, ...extraRules]);
  }

  /**
   * The outcome of parsing and validating `query` (by `check`), once per document text: thousands
   * of clients subscribe with the same document, and each then holds the one shared AST. `check`
   * depends on the text alone and the gateway's fixed limits, never on who subscribes.
   */
  checked(query: string, check: () => CheckedDocument): CheckedDocument {
    let outcome = this.checkedDocuments.get(query);
    if (!outcome) {
      outcome = check();
      // as for plans: a stream of distinct documents empties it rather than growing it
      if (this.checkedDocuments.size >= 1000) this.checkedDocuments.clear();
      this.checkedDocuments.set(query, outcome);
    }
    return outcome;
  }

  /** Plans a validated subscription operation; `cacheKey` identifies the document text and operation name. */
  plan(document: DocumentNode, operationName: string | undefined, cacheKey: string): SubscriptionPlan {
    const cached = this.plans.get(cacheKey);
    if (cached) return cached;
    const operationContext = buildOperationContext({ schema: this.schema, operationDocument: document, operationName: operationName ?? undefined });
    const operation = operationFromDocument(this.apiSchema, document, { operationName: operationName ?? undefined });
    const node = this.planner.buildQueryPlan(operation).node;
    if (node?.kind !== 'Subscription') throw invalid('Only subscriptions run over WebSocket; send queries and mutations over HTTP');
    const plan: SubscriptionPlan = { primary: node.primary, rest: node.rest, operationContext };
    // plans are small and operations few; a bound keeps a stream of distinct documents from growing it
    if (this.plans.size >= 1000) this.plans.clear();
    this.plans.set(cacheKey, plan);
    return plan;
  }
}

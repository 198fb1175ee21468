import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayContext } from '../context';
import { Kind, OperationTypeNode, parse, type DocumentNode } from 'graphql';

function operationType(document: DocumentNode | undefined, query: string | undefined): OperationTypeNode | undefined {
  let parsed = document;
  if (!parsed && query) {
    try {
      parsed = parse(query);
    } catch {
      return undefined;
    }
  }
  const operation = parsed?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return operation?.kind === Kind.OPERATION_DEFINITION ? operation.operation : undefined;
}

/** What decides whether a fetch may be repeated, taken from the data source's process options. */
export interface FetchKind {
  /** The client's operation, when the fetch serves one (not for schema loading or health checks). */
  incomingOperation?: OperationTypeNode;
  /** The subgraph operation sent: its parsed document when the planner gives it, else its text. */
  document?: DocumentNode;
  query?: string;
}

export function fetchKindOf(options: GraphQLDataSourceProcessOptions<GatewayContext>): FetchKind {
  const incoming = 'incomingRequestContext' in options ? options : undefined;
  return { incomingOperation: incoming?.incomingRequestContext.operation?.operation, document: incoming?.document, query: options.request.query };
}

/**
 * Whether a subgraph fetch may be sent again after a transient failure: only reads. The fetch's
 * own document must be a query (root fields or `_entities`), and the client's operation must not
 * be a mutation: an entity fetch in a mutation's plan is a query too, but it reads the mutation's
 * result, and a mutation's plan is never repeated, even in part. Subscription events are
 * completed by entity fetches under a subscription operation: reads too. Anything unknown
 * (schema loading, an unparsable document) is not retried.
 */
export function isRetryable(fetch: FetchKind): boolean {
  if (fetch.incomingOperation !== OperationTypeNode.QUERY && fetch.incomingOperation !== OperationTypeNode.SUBSCRIPTION) return false;
  return operationType(fetch.document, fetch.query) === OperationTypeNode.QUERY;
}

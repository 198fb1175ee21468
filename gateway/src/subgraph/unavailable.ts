import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from './types';

/** Response keys of the root fields of an operation, to locate an error on each of them. */
function rootResponseKeys(query: string | undefined): string[] {
  if (!query) return [];
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
}

/**
 * What the query planner gets when a subgraph cannot answer (down, slow, breaker open): a
 * located SUBGRAPH_UNAVAILABLE error for each value it asked for, so the client gets partial
 * data instead of a failed request, and nothing about the cause (addresses, stacks).
 */
export function unavailableResponse(subgraph: string, request: GatewayGraphQLRequest): GatewayGraphQLResponse {
  const message = `The ${subgraph} service is unavailable`;
  const extensions = { code: 'SUBGRAPH_UNAVAILABLE' };
  const representations = request.variables?.representations;
  const paths: (string | number)[][] = Array.isArray(representations)
    ? representations.map((_, index) => ['_entities', index])
    : rootResponseKeys(request.query).map((key) => [key]);
  return { data: null, errors: paths.map((path) => ({ message, path, extensions })) as never };
}

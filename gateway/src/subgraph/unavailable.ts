import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from './types';

type Fragments = Map<string, FragmentDefinitionNode>;

/**
 * Response keys a selection set asks for on an object of `typename` (any type when undefined):
 * its fields, and those of the fragments that apply to it, each once; never `__typename`, which
 * the gateway knows without the subgraph.
 */
function responseKeys(selectionSet: SelectionSetNode, fragments: Fragments, typename: string | undefined, keys = new Set<string>()): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') keys.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (!condition || typename === undefined || condition === typename) responseKeys(selection.selectionSet, fragments, typename, keys);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && (typename === undefined || fragment.typeCondition.name.value === typename)) responseKeys(fragment.selectionSet, fragments, typename, keys);
    }
  }
  return keys;
}

/** What the fetch asked the subgraph for: its root selections and, for an entity fetch, what it asked of each entity. */
function asked(document: DocumentNode): { root: SelectionSetNode; entities?: SelectionSetNode; fragments: Fragments } | undefined {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return undefined;
  const fragments: Fragments = new Map();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const entities = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  return { root: operation.selectionSet, entities: entities?.kind === Kind.FIELD ? entities.selectionSet : undefined, fragments };
}

/**
 * The path of each value a failed fetch asked for, in the subgraph's response: each root field
 * of a root fetch; for an entity fetch, each field it asked of each entity
 * (`['_entities', i, 'likeCount']`), so the client's error points at the very field that is
 * missing, not at the object that holds it (an entity whose fields cannot be told is located
 * itself).
 */
function missingPaths(request: GatewayGraphQLRequest, document: DocumentNode | undefined): (string | number)[][] {
  const representations = request.variables?.representations;
  const parsed = document ?? (request.query ? parse(request.query) : undefined);
  const selections = parsed && asked(parsed);
  if (!Array.isArray(representations)) return selections ? [...responseKeys(selections.root, selections.fragments, undefined)].map((key) => [key]) : [];
  const byType = new Map<string, string[]>();
  return representations.flatMap((representation: unknown, index) => {
    const typename = (representation as { __typename?: unknown } | null)?.__typename;
    if (!selections?.entities || typeof typename !== 'string') return [['_entities', index]];
    let keys = byType.get(typename);
    if (!keys) byType.set(typename, (keys = [...responseKeys(selections.entities, selections.fragments, typename)]));
    return keys.length > 0 ? keys.map((key) => ['_entities', index, key]) : [['_entities', index]];
  });
}

/**
 * What the query planner gets when a subgraph cannot answer (down, slow, breaker open): a
 * located SUBGRAPH_UNAVAILABLE error for each value it asked for, so the client gets partial
 * data instead of a failed request, and nothing about the cause (addresses, stacks).
 */
export function unavailableResponse(subgraph: string, request: GatewayGraphQLRequest, document?: DocumentNode): GatewayGraphQLResponse {
  const message = `The ${subgraph} service is unavailable`;
  const extensions = { code: 'SUBGRAPH_UNAVAILABLE' };
  return { data: null, errors: missingPaths(request, document).map((path) => ({ message, path, extensions })) as never };
}

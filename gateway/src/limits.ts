import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

/** Deepest field nesting of a selection set, fragments expanded; introspection fields do not count. */
function depthOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: ReadonlySet<string>): number {
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet, fragments, seen) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value)) {
        deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value])));
      }
    }
  }
  return deepest;
}

function countAliases(document: DocumentNode): number {
  let aliases = 0;
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD && selection.alias) aliases += 1;
      if ('selectionSet' in selection && selection.selectionSet) visit(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet);
  }
  return aliases;
}

/** The limit an operation breaks, if any: too deep or too many aliases. */
export function checkQueryLimits(document: DocumentNode, operation: OperationDefinitionNode | null | undefined, limits: QueryLimits): GraphQLError | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const depth = operation ? depthOf(operation.selectionSet, fragments, new Set()) : 0;
  if (depth > limits.maxDepth) return tooComplex(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`);
  const aliases = countAliases(document);
  if (aliases > limits.maxAliases) return tooComplex(`${aliases} aliases exceed the limit of ${limits.maxAliases}`);
  return undefined;
}

/** Refuses operations nested too deeply or with too many aliases, before any subgraph is called. */
export function queryLimitsPlugin<T extends object>(limits: QueryLimits): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          const broken = checkQueryLimits(document, operation, limits);
          if (broken) throw broken;
        },
      };
    },
  };
}

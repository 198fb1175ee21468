import { operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import type { PlanNode, QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import { compileShaper, type Shaper } from './shape';

/** A client operation made ready to run: planned once, then reused for every request of the same text and name. */
export interface PreparedOperation {
  /** The plan's root node; none when nothing is fetched (only __typename). */
  root: PlanNode | undefined;
  /** The operation over the API schema (its variables' definitions decide plan conditions). */
  operation: Operation;
  /** Builds the client's response from the fetched data. */
  shape: Shaper;
  variableDefinitions: readonly VariableDefinitionNode[];
}

/** An operation left to @apollo/gateway's own executor, and why. */
export interface DelegatedOperation {
  delegated: string;
}

function definitionsOf(document: DocumentNode, operationName: string | undefined): { operation: OperationDefinitionNode; fragments: FragmentDefinitionNode[] } {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) throw new Error('no single operation to run');
  return { operation, fragments: document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION) };
}

const unsupportedNode = (node: PlanNode | undefined): string | undefined => {
  if (!node) return undefined;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.map(unsupportedNode).find(Boolean);
    case 'Flatten':
      return unsupportedNode(node.node);
    case 'Fetch':
      return node.contextRewrites && node.contextRewrites.length > 0 ? 'context rewrites' : undefined;
    case 'Condition':
      return unsupportedNode(node.ifClause) ?? unsupportedNode(node.elseClause);
    default:
      return `${node.kind} node`;
  }
};

/** Whether any root field is __schema or __type (answered from the API schema, not fetched). */
function introspects(operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[]): boolean {
  const byName = new Map(fragments.map((f) => [f.name.value, f]));
  const seen = new Set<string>();
  const visit = (selections: OperationDefinitionNode['selectionSet']['selections']): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === '__schema' || selection.name.value === '__type';
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const fragment = byName.get(selection.name.value);
      return fragment ? visit(fragment.selectionSet.selections) : false;
    });
  return visit(operation.selectionSet.selections);
}

/**
 * Plans a client operation over the supergraph being served, as @apollo/gateway would. What our
 * executor does not run (subscriptions, @defer, @fromContext rewrites, introspection) is marked
 * as delegated, and @apollo/gateway runs it; so does an operation the planner refuses, whose
 * error its executor reports in its own words.
 */
export function prepareOperation(apiSchema: Schema, schema: GraphQLSchema, planner: QueryPlanner, document: DocumentNode, operationName: string | undefined, limits: { recursiveSelectionsLimitDisabled: boolean; nonLocalSelectionsLimitDisabled: boolean }): PreparedOperation | DelegatedOperation {
  let definitions;
  try {
    definitions = definitionsOf(document, operationName);
  } catch {
    return { delegated: 'operation selection' };
  }
  if (definitions.operation.operation === 'subscription') return { delegated: 'subscription' };
  if (introspects(definitions.operation, definitions.fragments)) return { delegated: 'introspection' };
  let plan: QueryPlan;
  let operation: Operation;
  let shape: Shaper;
  try {
    plan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }), limits);
    // conditions read an operation of its own, as @apollo/gateway's do: the planner's may be normalised
    operation = operationFromDocument(apiSchema, { kind: Kind.DOCUMENT, definitions: [definitions.operation, ...definitions.fragments] }, { validate: false });
    shape = compileShaper(schema, definitions.operation, definitions.fragments);
  } catch {
    return { delegated: 'planning error' };
  }
  const root = plan.node;
  if (root?.kind === 'Subscription') return { delegated: 'subscription' };
  const unsupported = unsupportedNode(root);
  if (unsupported) return { delegated: unsupported };
  return { root, operation, shape, variableDefinitions: definitions.operation.variableDefinitions ?? [] };
}

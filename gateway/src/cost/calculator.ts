import {
  getArgumentValues, getDirectiveValues, getNamedType, getNullableType, getOperationAST, getVariableValues,
  GraphQLIncludeDirective, GraphQLSkipDirective, isCompositeType, isListType, Kind,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField,
  type GraphQLNamedType, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';
import type { CostModel, ListSize } from './model';

/** What a mutation root field weighs without its own `@cost`: it writes (Apollo Router uses the same base). */
export const MUTATION_WEIGHT = 10;

interface Walk {
  model: CostModel;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Fragments being expanded right now; validation refuses cycles, this only keeps a bug from looping. */
  expanding: Set<string>;
}

/**
 * The static cost of an operation, before anything runs, following the IBM GraphQL cost spec
 * the way Apollo Router's demand control does:
 * - a field weighs its `@cost`, else its type's `@cost`, else 1 for an object, interface or
 *   union and 0 for a scalar or enum; mutation root fields weigh MUTATION_WEIGHT unless `@cost` says;
 * - a field costs its weight plus the cost of its selections, times the items of a list: the
 *   largest slicing argument given (literal, variable or the argument's default), else
 *   `assumedSize`, else the model's default; a `sizedFields` entry takes its parent's size;
 * - fragment spreads and inline fragments count each time they are spread, as executed;
 *   `@skip`/`@include` are honoured; introspection fields are free.
 *
 * Why our own: graphql-query-complexity's estimators see one field's arguments and the sum of its
 * children, so a parent's `first` cannot size its `edges` (`sizedFields`); Hive Gateway's demand
 * control prices the requests its own runtime sends to subgraphs and does not run on @apollo/gateway.
 */
// an operation without variables costs the same every time: priced once per document, name and model
const fixedCosts = new WeakMap<DocumentNode, Map<string, { model: CostModel; cost: number }>>();

export function operationCost(model: CostModel, document: DocumentNode, operationName?: string | null, rawVariables?: Record<string, unknown> | null): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  if (operation.variableDefinitions?.length) return priced(model, document, operation, rawVariables);
  let known = fixedCosts.get(document);
  if (!known) fixedCosts.set(document, (known = new Map()));
  const remembered = known.get(operationName ?? '');
  if (remembered?.model === model) return remembered.cost;
  const cost = priced(model, document, operation, rawVariables);
  known.set(operationName ?? '', { model, cost });
  return cost;
}

function priced(model: CostModel, document: DocumentNode, operation: OperationDefinitionNode, rawVariables?: Record<string, unknown> | null): number {
  const root = model.schema.getRootType(operation.operation);
  if (!root) return 0;
  const coerced = getVariableValues(model.schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // variables that do not coerce are refused at execution; price what was sent meanwhile
  const walk: Walk = { model, variables: coerced.coerced ?? rawVariables ?? {}, fragments, expanding: new Set() };
  return selectionSetCost(walk, operation.selectionSet, root, operation.operation === 'mutation' ? MUTATION_WEIGHT : undefined, undefined);
}

function included(walk: Walk, node: SelectionNode): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, walk.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, walk.variables);
  return include?.if !== false;
}

function typeCondition(walk: Walk, name: string | undefined, parent: GraphQLCompositeType): GraphQLCompositeType {
  const type = name ? walk.model.schema.getType(name) : undefined;
  return type && isCompositeType(type) ? type : parent;
}

/** `sized`: the size a parent's `@listSize(sizedFields:)` gives some of these fields. */
function selectionSetCost(walk: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, rootWeight: number | undefined, sized: { fields: readonly string[]; size: number } | undefined): number {
  let total = 0;
  for (const selection of set.selections) {
    if (!included(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(walk, selection, parent, rootWeight, sized);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += selectionSetCost(walk, selection.selectionSet, typeCondition(walk, selection.typeCondition?.name.value, parent), rootWeight, sized);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (!fragment || walk.expanding.has(fragment.name.value)) continue;
      walk.expanding.add(fragment.name.value);
      total += selectionSetCost(walk, fragment.selectionSet, typeCondition(walk, fragment.typeCondition.name.value, parent), rootWeight, sized);
      walk.expanding.delete(fragment.name.value);
    }
  }
  return total;
}

function fieldCost(walk: Walk, node: FieldNode, parent: GraphQLCompositeType, rootWeight: number | undefined, sized: { fields: readonly string[]; size: number } | undefined): number {
  if (node.name.value.startsWith('__') || !('getFields' in parent)) return 0;
  const field = parent.getFields()[node.name.value];
  if (!field) return 0;
  const { weights, listSizes } = walk.model;
  const coordinate = `${parent.name}.${field.name}`;
  const type: GraphQLNamedType = getNamedType(field.type);
  const weight = weights.get(coordinate) ?? weights.get(type.name) ?? rootWeight ?? (isCompositeType(type) ? 1 : 0);
  const listSize = listSizes.get(coordinate);
  const size = listSize ? sizeOf(walk, field, node, listSize) : walk.model.defaultListSize;
  const ownSized = listSize && listSize.sizedFields.length > 0 ? { fields: listSize.sizedFields, size } : undefined;
  let items = 1;
  if (sized?.fields.includes(field.name)) items = sized.size;
  else if (isListType(getNullableType(field.type))) items = ownSized ? listSize?.assumedSize ?? walk.model.defaultListSize : size;
  const children = node.selectionSet && isCompositeType(type) ? selectionSetCost(walk, node.selectionSet, type, undefined, ownSized) : 0;
  return items * (weight + children);
}

/** Items a list field returns: the largest slicing argument given, else its assumed size, else the default. */
function sizeOf(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode, listSize: ListSize): number {
  let args: Record<string, unknown> = {};
  try {
    args = getArgumentValues(field, node, walk.variables);
  } catch {
    // an argument that does not coerce is refused at execution; size the list without it
  }
  const given = listSize.slicingArguments.map((name) => args[name]).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (given.length > 0) return Math.max(0, ...given);
  return listSize.assumedSize ?? walk.model.defaultListSize;
}

import { costIdentity, Supergraph, type ListSizeDirectiveArguments } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/** How a list field is sized, from its `@listSize` (IBM cost spec, as Federation 2.9 defines it). */
export interface ListSize {
  assumedSize?: number;
  slicingArguments: readonly string[];
  sizedFields: readonly string[];
  requireOneSlicingArgument: boolean;
}

/**
 * What the cost of an operation is computed from: the client-facing schema and the `@cost` /
 * `@listSize` the subgraphs declared, as composed into the supergraph the gateway serves.
 * Keys are schema coordinates: `Type` for a type's weight, `Type.field` for a field's.
 */
export interface CostModel {
  schema: GraphQLSchema;
  weights: ReadonlyMap<string, number>;
  listSizes: ReadonlyMap<string, ListSize>;
  /** Items assumed for a list field without `@listSize`. */
  defaultListSize: number;
}

function coordinateOf(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null || !('coordinate' in element)) return undefined;
  const { coordinate } = element as { coordinate: unknown };
  return typeof coordinate === 'string' ? coordinate : undefined;
}

/**
 * Reads the directives from the supergraph SDL. Their names are resolved through the supergraph's
 * `@link` to the cost spec (a supergraph may import them under other names), so any supergraph
 * file the gateway serves is priced by what its subgraphs declared, not by a table kept here.
 */
export function costModelOf(supergraphSdl: string, defaultListSize: number): CostModel {
  const supergraph = Supergraph.build(supergraphSdl);
  const schema = supergraph.apiSchema().toGraphQLJSSchema();
  const weights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  const feature = supergraph.schema.coreFeatures?.getByIdentity(costIdentity);
  if (feature) {
    const cost = supergraph.schema.directive(feature.directiveNameInSchema('cost'));
    for (const application of cost?.applications() ?? []) {
      const coordinate = coordinateOf(application.parent);
      const weight: unknown = application.arguments().weight;
      if (coordinate && typeof weight === 'number') weights.set(coordinate, weight);
    }
    const listSize = supergraph.schema.directive(feature.directiveNameInSchema('listSize'));
    for (const application of listSize?.applications() ?? []) {
      const coordinate = coordinateOf(application.parent);
      const args = application.arguments(true) as ListSizeDirectiveArguments;
      if (!coordinate) continue;
      listSizes.set(coordinate, {
        assumedSize: args.assumedSize ?? undefined,
        slicingArguments: args.slicingArguments ?? [],
        sizedFields: args.sizedFields ?? [],
        requireOneSlicingArgument: args.requireOneSlicingArgument ?? true,
      });
    }
  }
  return { schema, weights, listSizes, defaultListSize };
}

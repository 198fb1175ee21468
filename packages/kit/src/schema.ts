import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import gql from 'graphql-tag';
import { buildSchema, createResolversMap, type NonEmptyArray, type PubSub } from 'type-graphql';
import { CACHE_CONTROL_DEFINITIONS, markViewerDependent } from './cache-hints';
import type { Context } from './context';
import { applyVisibilityGuards, type VisibilityGuard } from './visibility';

// v2.9 brings @cost and @listSize, from which the gateway prices every operation before running it
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@cost", "@listSize"])';

/** Resolves many entity references of one type at once: one SQL query per type per request. */
export type ReferenceBatch<S> = (ids: readonly string[], ctx: Context<S>) => Promise<ReadonlyArray<object | null>>;

export interface SubgraphSchemaDefinition<S> {
  name: string;
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  /** typename → batched loader; every `@key(fields: "id")` entity of the subgraph has one. */
  references?: Record<string, ReferenceBatch<S>>;
  /**
   * typename → the owning context's visibility rule for the fields this subgraph resolves on
   * that type (e.g. an unpublished episode's comments): every non-key field is guarded.
   */
  guards?: Record<string, VisibilityGuard<S>>;
  /**
   * typename → whether a resolved reference is seen only by some viewers (an unpublished episode
   * its owner sees): its `_entities` answer is then marked private, so the gateway's entity cache
   * never shares it. A reference that resolves to null (missing or hidden) is always marked.
   */
  viewerDependent?: Record<string, (entity: object) => boolean>;
}

type ResolverMap = Record<string, Record<string, unknown>>;

// type-graphql will not build Subscription fields without a PubSub, yet every field here
// subscribes through its operation's context (subscribeTopic); `topics` would reach this one
const TOPICS_UNSUPPORTED: PubSub = {
  publish: () => {
    throw new Error('publish through the context pubSub');
  },
  subscribe: () => {
    throw new Error('Subscription fields subscribe with `subscribe: subscribeTopic(...)`, not `topics`');
  },
};

/** Builds a Federation 2 subgraph schema from type-graphql resolvers, with DataLoader-backed references. */
export async function buildFederatedSchema<S>(definition: SubgraphSchemaDefinition<S>): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes,
    pubSub: TOPICS_UNSUPPORTED,
    validate: false,
    skipCheck: true,
  });
  const typeDefs = gql(`${FEDERATION_LINK}\n${CACHE_CONTROL_DEFINITIONS}\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as ResolverMap;
  applyVisibilityGuards(schema, typeDefs, resolvers, definition.guards ?? {});
  for (const [typename, batch] of Object.entries(definition.references ?? {})) {
    const viewerDependent = definition.viewerDependent?.[typename];
    resolvers[typename] = {
      ...(resolvers[typename] ?? {}),
      __resolveReference: async (reference: { id: string }, ctx: Context<S>, info?: GraphQLResolveInfo) => {
        const entity = await ctx.loaders.get<string, object | null>(`reference:${typename}`, (ids) => batch(ids, ctx)).load(reference.id);
        // null may mean "hidden from you", and may stop being true when the entity is created
        if (entity === null || viewerDependent?.(entity)) markViewerDependent(info);
        return entity;
      },
    };
  }
  return buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
}

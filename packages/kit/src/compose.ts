import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { buildFederatedSchema, type SubgraphSchemaDefinition } from './schema';

export interface SubgraphEntry {
  name: string;
  url: string;
  definition: SubgraphSchemaDefinition<never>;
}

export interface Composition {
  subgraphs: { name: string; url: string; sdl: string }[];
  supergraphSdl: string;
}

/** Prints every subgraph's SDL from its resolvers and composes the supergraph; throws on composition errors. */
export async function composeSupergraph(entries: SubgraphEntry[]): Promise<Composition> {
  const subgraphs = [];
  for (const entry of entries) {
    const schema = await buildFederatedSchema(entry.definition);
    subgraphs.push({ name: entry.name, url: entry.url, sdl: printSubgraphSchema(schema) });
  }
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return { subgraphs, supergraphSdl: result.supergraphSdl };
}

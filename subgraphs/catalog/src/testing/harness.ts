import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '@wavegraph/auth';
import { startTestSubgraph, type GraphQLResponse, type HarnessOptions, type SubgraphHarness } from '@wavegraph/testkit';
import { createCatalogModule } from '../catalog.module';
import type { CatalogOptions, CatalogServices } from '../services';

/** A catalog subgraph on a fresh database and Redis prefix, started in-process for one spec file. */
export type CatalogHarness = SubgraphHarness<CatalogServices>;

export const startCatalog = (options: HarnessOptions & CatalogOptions = {}): Promise<CatalogHarness> => startTestSubgraph(createCatalogModule(options), options);

export const viewer = (role: Role = 'USER'): Viewer => ({ id: randomUUID(), role, plan: 'FREE' });

let slugs = 0;
export const uniqueSlug = (base = 'show'): string => `${base}-${Date.now().toString(36)}-${++slugs}`;

export interface ShowData {
  id: string;
  slug: string;
}

export async function createShow(h: CatalogHarness, owner: Viewer, input: Record<string, unknown> = {}): Promise<ShowData> {
  const res = await h.call<{ createShow: ShowData }>(
    'mutation($input: CreateShowInput!) { createShow(input: $input) { id slug } }',
    { input: { slug: uniqueSlug(), title: 'A show', category: 'TECHNOLOGY', language: 'en', ...input } },
    owner,
  );
  if (!res.data?.createShow) throw new Error(`createShow failed: ${JSON.stringify(res.errors)}`);
  return res.data.createShow;
}

export async function createEpisode(h: CatalogHarness, owner: Viewer, showId: string, input: Record<string, unknown> = {}): Promise<string> {
  const res = await h.call<{ createEpisode: { id: string } }>(
    'mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }',
    { input: { showId, title: 'An episode', ...input } },
    owner,
  );
  if (!res.data?.createEpisode) throw new Error(`createEpisode failed: ${JSON.stringify(res.errors)}`);
  return res.data.createEpisode.id;
}

export async function transition(h: CatalogHarness, who: Viewer | null, mutation: string, id: string): Promise<GraphQLResponse<Record<string, { status: string }>>> {
  return h.call(`mutation($id: ID!) { ${mutation}(id: $id) { id status publishedAt scheduledAt } }`, { id }, who);
}

export async function publishedEpisode(h: CatalogHarness, owner: Viewer, showId: string, input: Record<string, unknown> = {}): Promise<string> {
  const id = await createEpisode(h, owner, showId, input);
  const res = await transition(h, owner, 'publishEpisode', id);
  if (res.errors) throw new Error(`publishEpisode failed: ${JSON.stringify(res.errors)}`);
  return id;
}

/** The error code and field of the first error, for compact assertions. */
export const errorOf = (res: GraphQLResponse<unknown>): { code?: string; field?: unknown } => ({
  code: res.errors?.[0]?.extensions?.code,
  field: res.errors?.[0]?.extensions?.field,
});

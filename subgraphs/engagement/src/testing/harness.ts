import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '@wavegraph/auth';
import { startTestSubgraph, type GraphQLResponse, type SubgraphHarness } from '@wavegraph/testkit';
import { engagementModule } from '../engagement.module';
import type { EngagementServices } from '../services';
import { CatalogFeed } from '@wavegraph/testkit';

/** An engagement subgraph on a fresh database and Redis prefix, plus a fake catalog feeding it events. */
export interface EngagementHarness extends SubgraphHarness<EngagementServices> {
  catalog: CatalogFeed;
}

export async function startEngagement(): Promise<EngagementHarness> {
  const h = await startTestSubgraph(engagementModule);
  const catalog = new CatalogFeed(h);
  return {
    ...h,
    catalog,
    stop: async () => {
      catalog.close();
      await h.stop();
    },
  };
}

export const viewer = (role: Role = 'USER'): Viewer => ({ id: randomUUID(), role, plan: 'FREE' });

/** The error code and field of the first error, for compact assertions. */
export const errorOf = (res: GraphQLResponse<unknown>): { code?: string; field?: unknown } => ({
  code: res.errors?.[0]?.extensions?.code,
  field: res.errors?.[0]?.extensions?.field,
});

export interface OutboxRow {
  type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
}

/** Events recorded for an aggregate, oldest first. */
export async function outboxOf(h: EngagementHarness, aggregateId: string): Promise<OutboxRow[]> {
  return h.running.db.dataSource.query('SELECT type, aggregate_id, payload FROM outbox WHERE aggregate_id = $1 ORDER BY position', [aggregateId]);
}

/** Row counts of several tables at once, to assert a refused mutation wrote nothing. */
export async function counts(h: EngagementHarness, tables: string[]): Promise<Record<string, number>> {
  const entries = await Promise.all(tables.map(async (table) => [table, await h.count(table)] as const));
  return Object.fromEntries(entries);
}

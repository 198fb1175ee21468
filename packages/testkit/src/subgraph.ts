import type { Viewer } from '@wavegraph/auth';
import { startSubgraph, type RunningSubgraph, type SubgraphModule } from '@wavegraph/kit';
import { freshDatabase, type TestDatabase } from './database';
import { dropRedisPrefix, freshRedisPrefix, TEST_REDIS_URL } from './redis';
import { callSubgraph, TEST_GATEWAY_SECRET, type GraphQLResponse } from './subgraph-client';
import { subscribeToSubgraph, type TestSubscription } from './subscription-client';

/** A subgraph started in-process on a fresh database and Redis prefix, for one spec file. */
export interface SubgraphHarness<S> {
  running: RunningSubgraph<S>;
  database: TestDatabase;
  redisPrefix: string;
  call<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer?: Viewer | null): Promise<GraphQLResponse<T>>;
  /** A graphql-ws subscription, signed for the viewer like the gateway signs it. */
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer?: Viewer | null): TestSubscription<T>;
  /** Rows in a table of the subgraph's database (to assert that nothing was written). */
  count(table: string): Promise<number>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Reuse a database (e.g. a second replica); it is then not dropped on stop. */
  database?: TestDatabase;
  /** Share a Redis prefix with other processes of the same test; it is then not cleaned on stop. */
  redisPrefix?: string;
  /** Another Redis than the shared test one (e.g. a private one the test stops). */
  redisUrl?: string;
}

export async function startTestSubgraph<S>(module: SubgraphModule<S>, options: HarnessOptions = {}): Promise<SubgraphHarness<S>> {
  const database = options.database ?? (await freshDatabase(module.name));
  const redisPrefix = options.redisPrefix ?? freshRedisPrefix();
  const running = await startSubgraph(module, {
    port: 0,
    databaseUrl: database.url,
    redisUrl: options.redisUrl ?? TEST_REDIS_URL,
    redisPrefix,
    gatewaySecret: TEST_GATEWAY_SECRET,
  });
  return {
    running,
    database,
    redisPrefix,
    call: (query, variables = {}, viewer = null) => callSubgraph(running.url, query, variables, viewer),
    subscribe: (query, variables = {}, viewer = null) => subscribeToSubgraph(running.url, query, variables, viewer),
    count: async (table) => Number((await running.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n),
    stop: async () => {
      await running.stop();
      if (!options.database) await database.drop();
      if (!options.redisPrefix) await dropRedisPrefix(redisPrefix);
    },
  };
}

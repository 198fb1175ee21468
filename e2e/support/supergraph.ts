import path from 'node:path';
import { catalogModule, startPublishWorker } from '@wavegraph/catalog';
import { createWavegraphClient, type WavegraphClient } from '@wavegraph/client';
import { configFromEnv, startGateway, type GatewayConfig, type RunningGateway } from '@wavegraph/gateway';
import { identityModule, jwksUrl, type IdentityServices } from '@wavegraph/identity';
import { startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import { dropRedisPrefix, freshDatabase, freshRedisPrefix, TEST_GATEWAY_SECRET, TEST_REDIS_URL, type TestDatabase } from '@wavegraph/testkit';

export const SUPERGRAPH_PATH = path.resolve(__dirname, '../../schema/supergraph.graphql');

export interface TestSupergraph {
  url: string;
  gateway: RunningGateway;
  /** The configuration the gateway was started with (to start another one beside it). */
  gatewayConfig: GatewayConfig;
  identity: RunningSubgraph<IdentityServices>;
  catalog: RunningSubgraph<unknown>;
  client(accessToken?: string): WavegraphClient;
  /** Stops one subgraph (to see how the gateway behaves without it). */
  stopSubgraph(name: 'identity' | 'catalog'): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole supergraph in this process: identity and catalog on fresh databases, the publishing
 * worker, and the gateway serving the committed schema/supergraph.graphql, all on free ports.
 */
export async function startTestSupergraph(overrides: Partial<GatewayConfig> = {}): Promise<TestSupergraph> {
  const databases: TestDatabase[] = [];
  const redisPrefix = freshRedisPrefix();
  const common = { port: 0, redisUrl: TEST_REDIS_URL, redisPrefix, gatewaySecret: TEST_GATEWAY_SECRET };
  const identityDb = await freshDatabase('identity');
  databases.push(identityDb);
  const catalogDb = await freshDatabase('catalog');
  databases.push(catalogDb);
  const identity = await startSubgraph(identityModule, { ...common, databaseUrl: identityDb.url });
  const catalog = await startSubgraph(catalogModule, { ...common, databaseUrl: catalogDb.url });
  const worker = await startPublishWorker({ databaseUrl: catalogDb.url, redisUrl: TEST_REDIS_URL, prefix: redisPrefix });
  const gatewayConfig: GatewayConfig = {
    ...configFromEnv(),
    port: 0,
    production: false,
    composeFrom: null,
    supergraphPath: SUPERGRAPH_PATH,
    subgraphUrls: { identity: identity.url, catalog: catalog.url },
    gatewaySecret: TEST_GATEWAY_SECRET,
    jwksUrl: jwksUrl(identity.url),
    subgraphTimeoutMs: 5_000,
    ...overrides,
  };
  const gateway = await startGateway(gatewayConfig);
  const subgraphs = { identity, catalog };
  return {
    url: gateway.url,
    gateway,
    gatewayConfig,
    identity,
    catalog: catalog as RunningSubgraph<unknown>,
    client: (accessToken) => createWavegraphClient(gateway.url, accessToken),
    stopSubgraph: (name) => subgraphs[name].stop(),
    stop: async () => {
      await gateway.stop();
      await worker.close();
      await Promise.all([identity.stop(), catalog.stop()]);
      await Promise.all(databases.map((db) => db.drop()));
      await dropRedisPrefix(redisPrefix);
    },
  };
}

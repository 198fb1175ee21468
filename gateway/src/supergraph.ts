import { readFileSync } from 'node:fs';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import type { EntityCache } from './entity-cache';
import type { SubgraphFetchMetrics } from './metrics/fetch-metrics';
import { SubgraphSource } from './subgraph-source';
import type { SubgraphBreakers } from './subgraph/breakers';
import type { SubgraphHttp } from './subgraph/http-client';
import type { Signer } from './subgraph/signer';

/** What every subgraph fetch shares for the gateway's lifetime, reloads included. */
export interface SubgraphFetching {
  signer: Signer;
  breakers: SubgraphBreakers;
  http: SubgraphHttp;
  /** Present when GATEWAY_ENTITY_CACHE is on: one cache for every data source and reload. */
  entityCache?: EntityCache;
  /** Fetch latency and errors per subgraph. */
  metrics?: SubgraphFetchMetrics;
}

/**
 * The gateway either serves a supergraph file (production: the committed schema/supergraph.graphql
 * or any other path) or, in development, composes from running subgraphs and follows their changes.
 */
export function createGateway(config: GatewayConfig, log: Logger, fetching: SubgraphFetching): ApolloGateway {
  const buildService = subgraphSources(config, log, fetching);
  if (config.composeFrom) {
    return new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({ subgraphs: config.composeFrom, pollIntervalInMs: 2_000 }),
      buildService,
    });
  }
  return new ApolloGateway({ supergraphSdl: readFileSync(config.supergraphPath, 'utf8'), buildService });
}

/** How the gateway fetches from a subgraph: signed, bounded, retried and broken per subgraph, a configured URL before the supergraph's. */
export function subgraphSources(config: GatewayConfig, log: Logger, fetching: SubgraphFetching) {
  return ({ name, url }: { name: string; url?: string }): SubgraphSource =>
    new SubgraphSource({
      name,
      url: config.subgraphUrls[name] ?? url ?? '',
      signer: fetching.signer,
      breakers: fetching.breakers,
      http: fetching.http,
      batching: config.entityBatching,
      dedupeReads: config.dedupeSubgraphReads,
      entityCache: fetching.entityCache,
      metrics: fetching.metrics?.of(name),
      onUnavailable: (subgraph, error) => log.warn({ subgraph, err: error }, 'subgraph unavailable'),
    });
}

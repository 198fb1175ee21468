import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalogModule, feedConfigFromEnv, startPublishWorker } from '@wavegraph/catalog';
import { discoveryModule } from '@wavegraph/discovery';
import { engagementModule } from '@wavegraph/engagement';
import { createMediaModule, mediaConfigFromEnv, startMediaWorker } from '@wavegraph/media';
import { createWavegraphClient, type WavegraphClient } from '@wavegraph/client';
import { configFromEnv, startGateway, type GatewayConfig, type RateLimitSettings, type RunningGateway } from '@wavegraph/gateway';
import { identityModule, jwksUrl, type IdentityServices } from '@wavegraph/identity';
import { notificationsModule } from '@wavegraph/notifications';
import { ingestModule, startIngestWorker } from '@wavegraph/ingest';
import { analyticsModule, dropAnalyticsStore } from '@wavegraph/analytics';
import { createBillingModule, STRIPE_WEBHOOK_PATH } from '@wavegraph/billing';
import { StripeTestServer, testBillingConfig } from '@wavegraph/billing/testing';
import type { RunningSubgraph } from '@wavegraph/kit';
import { createRegistry, type Registry } from '@wavegraph/metrics';
import { dropRedisPrefix, freePort, freshRedisPrefix, startTestSubgraph, TEST_GATEWAY_SECRET, TEST_REDIS_URL, type TestDatabase } from '@wavegraph/testkit';

export const SUPERGRAPH_PATH = path.resolve(__dirname, '../../schema/supergraph.graphql');

// A supergraph here is ten subgraphs and their workers in one process, and Jest runs two at a
// time: at the default of 10 connections per pool they could take every one of Postgres's 100.
// (Read when each subgraph opens its database; a spec may set its own before.)
process.env.DATABASE_POOL_SIZE ??= '4';

/** Every limit off: scenarios send far more than a person would; rate-limit scenarios turn theirs on. */
export const NO_RATE_LIMITS: RateLimitSettings = {
  windowSeconds: 60,
  perWindow: { anonymous: 0, FREE: 0, PREMIUM: 0, staff: 0 },
  loginPerIpPerMinute: 0,
  loginFreeFailures: 5,
  loginMaxDelaySeconds: 900,
  loginFailuresPerIpPerHour: 0,
  registerPerIpPerHour: 0,
  registerPerEmailPerHour: 0,
  refreshPerIpPerMinute: 0,
  wsConnectionsPerMinute: 0,
  wsSubscribesPerMinute: 0,
};

export type SubgraphName = 'identity' | 'catalog' | 'engagement' | 'discovery' | 'media' | 'notifications' | 'ingest' | 'analytics' | 'billing';

export interface TestSupergraph {
  url: string;
  gateway: RunningGateway;
  /** The configuration the gateway was started with (to start another one beside it). */
  gatewayConfig: GatewayConfig;
  identity: RunningSubgraph<IdentityServices>;
  catalog: RunningSubgraph<unknown>;
  engagement: RunningSubgraph<unknown>;
  discovery: RunningSubgraph<unknown>;
  media: RunningSubgraph<unknown>;
  notifications: RunningSubgraph<unknown>;
  ingest: RunningSubgraph<unknown>;
  analytics: RunningSubgraph<unknown>;
  billing: RunningSubgraph<unknown>;
  /** The local Stripe billing talks to (it records requests, and signs webhook events for the gateway's /webhooks/stripe). */
  stripe: StripeTestServer;
  /** Stripe's webhook endpoint as Stripe would reach it: through the gateway. */
  stripeWebhookUrl: string;
  /** Where media keeps uploads and objects for this run. */
  mediaDir: string;
  /** The gateway's origin (uploads and playback go through it). */
  origin: string;
  /** The Redis prefix all of them share (streams, queues, caches). */
  redisPrefix: string;
  /** Each process's Prometheus registry, by its name in scripts/services.json. */
  metrics: Record<SubgraphName | 'gateway' | 'catalog-worker' | 'media-worker' | 'ingest-worker', Registry>;
  client(accessToken?: string): WavegraphClient;
  /** A subgraph's database, e.g. for a second replica of it. */
  database(name: SubgraphName): TestDatabase;
  /** Stops one subgraph (to see how the gateway behaves without it). */
  stopSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

export interface SupergraphOptions {
  /** Puts something (a fault proxy) between the gateway and a subgraph: returns the URL the gateway uses instead. */
  front?: Partial<Record<SubgraphName, (url: string) => Promise<string>>>;
}

/**
 * The whole supergraph in this process: every subgraph on a fresh database, sharing one fresh
 * Redis prefix (so events flow between them), the publishing worker, and the gateway serving
 * the committed schema/supergraph.graphql, all on free ports.
 */
export async function startTestSupergraph(
  overrides: Partial<GatewayConfig> = {},
  redisUrl = TEST_REDIS_URL,
  options: SupergraphOptions = {},
): Promise<TestSupergraph> {
  const redisPrefix = freshRedisPrefix();
  const identityHarness = await startTestSubgraph(identityModule, { redisPrefix, redisUrl });
  // billing's Stripe: listening before the gateway's port is picked, so it cannot take that port
  const stripe = await new StripeTestServer().start();
  // media hands out upload and playback URLs, and catalog its feeds, on the gateway's origin, so the port is chosen first
  const port = overrides.port || (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const catalogHarness = await startTestSubgraph(createCatalogModule({ feeds: () => ({ ...feedConfigFromEnv(), publicUrl: origin, mediaUrl: origin }) }), { redisPrefix, redisUrl });
  const engagementHarness = await startTestSubgraph(engagementModule, { redisPrefix, redisUrl });
  const discoveryHarness = await startTestSubgraph(discoveryModule, { redisPrefix, redisUrl });
  const notificationsHarness = await startTestSubgraph(notificationsModule, { redisPrefix, redisUrl });
  const ingestHarness = await startTestSubgraph(ingestModule, { redisPrefix, redisUrl });
  // its ClickHouse database is named after its fresh Postgres database (ANALYTICS_CLICKHOUSE_URL: Jest's global setup)
  const analyticsHarness = await startTestSubgraph(analyticsModule, { redisPrefix, redisUrl });
  const billingHarness = await startTestSubgraph(createBillingModule({ config: () => testBillingConfig(stripe) }), { redisPrefix, redisUrl });
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'wgtest-media-'));
  const mediaConfig = { ...mediaConfigFromEnv(), storage: 'filesystem' as const, dataDir: mediaDir, publicUrl: origin };
  const mediaHarness = await startTestSubgraph(createMediaModule({ config: () => mediaConfig }), { redisPrefix, redisUrl });
  const workerMetrics = { 'catalog-worker': createRegistry('catalog-worker'), 'media-worker': createRegistry('media-worker'), 'ingest-worker': createRegistry('ingest-worker') };
  const mediaWorker = await startMediaWorker({
    metrics: workerMetrics['media-worker'],
    databaseUrl: mediaHarness.database.url,
    redisUrl,
    prefix: redisPrefix,
    concurrency: 2,
    env: { MEDIA_STORAGE: 'filesystem', MEDIA_DIR: mediaDir, MEDIA_WORK_DIR: path.join(mediaDir, 'work') },
  });
  const [identity, catalog] = [identityHarness.running, catalogHarness.running];
  const worker = await startPublishWorker({ databaseUrl: catalogHarness.database.url, redisUrl, prefix: redisPrefix, metrics: workerMetrics['catalog-worker'] });
  // scenarios serve their feeds on loopback: private networks are allowed for this worker only
  const ingestWorker = await startIngestWorker({
    databaseUrl: ingestHarness.database.url,
    redisUrl,
    prefix: redisPrefix,
    catalogUrl: catalog.url,
    gatewaySecret: TEST_GATEWAY_SECRET,
    fetchPolicy: { allowPrivateNetworks: true, timeoutMs: 5_000, maxBytes: 10 * 1024 * 1024 },
    userAgent: 'wavegraph-e2e',
    retry: { attempts: 1, backoffMs: 100 },
    // media hears of an imported episode through catalog's events: its NOT_FOUND is retried meanwhile
    enclosures: {
      mediaUrl: mediaHarness.running.url,
      policy: { allowPrivateNetworks: true, timeoutMs: 30_000, maxBytes: 50 * 1024 * 1024 },
      concurrency: 2,
      retry: { attempts: 12, backoffMs: 250 },
      workDir: path.join(mediaDir, 'ingest'),
      // a transcript waits for media to be READY: tried every 2 s at most, for up to about 3 minutes
      extras: { maxBytes: 2 * 1024 * 1024, attempts: 90, backoffMs: 250, maxBackoffMs: 2_000 },
    },
    metrics: workerMetrics['ingest-worker'],
  });
  const direct: Record<SubgraphName, string> = {
    identity: identity.url,
    catalog: catalog.url,
    engagement: engagementHarness.running.url,
    discovery: discoveryHarness.running.url,
    media: mediaHarness.running.url,
    notifications: notificationsHarness.running.url,
    ingest: ingestHarness.running.url,
    analytics: analyticsHarness.running.url,
    billing: billingHarness.running.url,
  };
  const routed = Object.fromEntries(
    await Promise.all(Object.entries(direct).map(async ([name, url]) => [name, (await options.front?.[name as SubgraphName]?.(url)) ?? url])),
  ) as Record<SubgraphName, string>;
  const gatewayConfig: GatewayConfig = {
    ...configFromEnv(),
    production: false,
    composeFrom: null,
    supergraphPath: SUPERGRAPH_PATH,
    subgraphUrls: routed,
    gatewaySecret: TEST_GATEWAY_SECRET,
    jwksUrl: jwksUrl(identity.url),
    redisUrl,
    redisPrefix,
    rateLimits: NO_RATE_LIMITS,
    // generous: a loaded CI machine can stall a whole in-process supergraph for seconds; timeout scenarios set their own
    subgraphTimeoutMs: 15_000,
    ...overrides,
    port,
  };
  const gateway = await startGateway(gatewayConfig);
  const subgraphs = {
    identity: identityHarness, catalog: catalogHarness, engagement: engagementHarness, discovery: discoveryHarness, media: mediaHarness, notifications: notificationsHarness, ingest: ingestHarness,
    analytics: analyticsHarness,
    billing: billingHarness,
  };
  return {
    url: gateway.url,
    gateway,
    // for starting another gateway beside this one: any free port
    gatewayConfig: { ...gatewayConfig, port: 0 },
    identity,
    catalog: catalog as RunningSubgraph<unknown>,
    engagement: engagementHarness.running as RunningSubgraph<unknown>,
    discovery: discoveryHarness.running as RunningSubgraph<unknown>,
    media: mediaHarness.running as RunningSubgraph<unknown>,
    notifications: notificationsHarness.running as RunningSubgraph<unknown>,
    ingest: ingestHarness.running as RunningSubgraph<unknown>,
    analytics: analyticsHarness.running as RunningSubgraph<unknown>,
    billing: billingHarness.running as RunningSubgraph<unknown>,
    stripe,
    stripeWebhookUrl: `${origin}${STRIPE_WEBHOOK_PATH}`,
    mediaDir,
    origin,
    redisPrefix,
    metrics: {
      gateway: gateway.metrics,
      ...(Object.fromEntries(Object.entries(subgraphs).map(([name, harness]) => [name, harness.running.metrics])) as Record<SubgraphName, Registry>),
      ...workerMetrics,
    },
    client: (accessToken) => createWavegraphClient(gateway.url, accessToken),
    database: (name) => subgraphs[name].database,
    stopSubgraph: (name) => subgraphs[name].running.stop(),
    stop: async () => {
      await gateway.stop();
      await worker.close();
      await ingestWorker.close();
      await mediaWorker.close();
      await Promise.all(Object.values(subgraphs).map((harness) => harness.stop()));
      await dropAnalyticsStore(analyticsHarness.database.url);
      await stripe.stop();
      await dropRedisPrefix(redisPrefix);
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import { mountIde } from './ide/ide.routes';
import proxyAddr from 'proxy-addr';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import pino, { type Logger } from 'pino';
import type { ServiceMap } from '@apollo/gateway';
import type { Viewer } from '@wavegraph/auth';
import { createRegistry, gatewayMetrics, graphqlMetricsPlugin, type Registry } from '@wavegraph/metrics';
import { createRedisConnections, whenReady, type Redis } from '@wavegraph/redis';
import { createSessionVerifier, createTokenVerifier } from './auth';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { formatError } from './errors';
import { documentPolicy, trustedDocumentsGuard } from './documents';
import { costModelOf, demandControlPlugin, type CostModel } from './cost';
import { accessLog, accessRecordOf } from './http/access-log';
import { graphqlPostHandler } from './http/graphql-post';
import { requestIdOf, traceparentOf } from './http/request-id';
import { queryLimitRules } from './limits';
import { mountPassThrough } from './pass-through';
import { authAttemptsPlugin } from './protection/auth-attempts';
import { LimitStore } from './protection/limiter';
import { limitOperations } from './protection/operations';
import { buildRateLimits, type RateLimits } from './protection/rate-limits';
import { revocationCheck } from './protection/revocation';
import { bodyErrors, wellFormedPlugin } from './protection/well-formed';
import { serviceUnavailablePlugin } from './http/service-unavailable';
import { SubscriptionPlanner } from './subscriptions/planner';
import { serveGatewaySubscriptions, type GatewaySubscriptions } from './subscriptions/server';
import { createGateway, subgraphSources } from './supergraph';
import { SubgraphFetchMetrics } from './metrics/fetch-metrics';
import { watchGatewayState } from './metrics/gateway-gauges';
import { readiness } from './readiness';
import { FastGateway } from './execution/executor';
import { idempotencyPlugin, IdempotencyStore, REPLAYED_HEADER } from './idempotency';
import { startEntityCache, type EntityCache } from './entity-cache';
import { SubgraphBreakers } from './subgraph/breakers';
import { SubgraphHttp } from './subgraph/http-client';
import { createSigner } from './subgraph/signer';

export interface RunningGateway {
  url: string;
  port: number;
  httpServer: Server;
  subscriptions: GatewaySubscriptions;
  rateLimits: RateLimits;
  /** Each subgraph's breaker (also shown by /ready). */
  breakers: SubgraphBreakers;
  /** The entity cache, when GATEWAY_ENTITY_CACHE is on (its stats say what it served). */
  entityCache?: EntityCache;
  /** Its Prometheus metrics (main.ts serves them on the metrics port). */
  metrics: Registry;
  stop(): Promise<void>;
}

/** Largest GraphQL request body read, in bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Waits for Redis up to `ms`; without it the gateway still starts, its limits counted locally. */
async function redisReady(redis: Redis, ms: number, log: Logger): Promise<void> {
  if (!(await whenReady(redis, ms))) log.warn('Redis is not reachable: rate limits are counted by this replica alone until it is');
}

/** Express's `trust proxy` from its textual setting: true/false, a hop count, or addresses/subnets. */
function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A counter child per rate limit, resolved when the limit is built. */
function limitRefusals(metrics: Registry): (name: string) => { inc(): void } {
  const { rateLimited } = gatewayMetrics(metrics);
  return (name) => rateLimited.labels(name);
}

export function createGatewayLogger(): Logger {
  return pino({ name: 'gateway', level: process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info') });
}

/** The one public endpoint: GraphQL on /graphql over HTTP and graphql-ws, plus /health and /ready. No business logic. */
export async function startGateway(config: GatewayConfig, log: Logger = createGatewayLogger(), metrics: Registry = createRegistry('gateway')): Promise<RunningGateway> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.trustProxy));
  // GraphQL POSTs take the hot path once Apollo Server has started; everything else is Express's
  let graphqlPost: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const access = accessLog(log, config.accessLog);
  const httpServer = createServer((req, res) => {
    access.begin(req, res);
    if (!graphqlPost?.(req, res)) app(req, res);
  });
  // every request asks Redis for its rate limit and its token's revocation: commands issued in the
  // same turn of the event loop go out in one write
  // all of the gateway's Redis connections; closed after everything that uses them stopped
  const connections = createRedisConnections(config.redisUrl, { owner: 'gateway', log });
  const redis = connections.open('failFast', 'commands', { overrides: { enableAutoPipelining: true } });
  const rateLimits = buildRateLimits(new LimitStore(redis, config.redisPrefix, log, limitRefusals(metrics)), config.rateLimits);
  const revoked = revocationCheck(redis, config.redisPrefix, log);
  const verifySession = createSessionVerifier({ jwksUrl: config.jwksUrl, keys: { timeoutMs: config.jwksTimeoutMs }, issuer: config.jwtIssuer, audience: config.jwtAudience, revoked });
  // the first requests would otherwise be counted locally while the connection is still opening;
  // and the first signed-in request need not wait for identity's keys (identity away now is /ready's to report)
  await Promise.all([
    redisReady(redis, 2_000, log),
    verifySession.warm?.().catch((error: unknown) => log.warn({ err: error, jwksUrl: config.jwksUrl }, 'signing keys not fetched yet; the first signed-in request will try again')),
  ]);
  // persisted queries registered through any replica live in the same Redis
  const documents = documentPolicy(config.trustedDocuments, redis, config.redisPrefix, log);
  const verifyToken = createTokenVerifier(verifySession);
  // a retried mutation with the same Idempotency-Key gets the first answer, whichever replica ran it
  const { idempotency: idempotencyCount } = gatewayMetrics(metrics);
  const idempotent = idempotencyPlugin({
    store: new IdempotencyStore(redis, config.redisPrefix, config.idempotency),
    skipFields: new Set(config.idempotency.skipFields),
    log,
    count: (outcome) => idempotencyCount.labels(outcome).inc(),
  });
  // one signer for HTTP fetches and subgraph WebSockets; one breaker per subgraph for every data source
  const signer = createSigner(config.gatewaySecret);
  const breakers = new SubgraphBreakers({ ...config.resilience, timeoutMs: config.subgraphTimeoutMs }, log);
  const http = new SubgraphHttp(config.subgraphHttp);
  // followed from the event streams before the first request, so nothing cached misses a later purge
  const entityCache = config.entityCache.enabled ? await startEntityCache(config.entityCache, redis, connections, config.redisPrefix, log) : undefined;
  const fetching = { signer, breakers, http, entityCache: entityCache?.cache, metrics: new SubgraphFetchMetrics(metrics) };
  const gateway = createGateway(config, log, fetching);
  // subscriptions are planned over the very supergraph HTTP operations run on, reloads included
  let planner: SubscriptionPlanner | undefined;
  const sources = new WeakMap<SubscriptionPlanner, ServiceMap>();
  const buildSource = subgraphSources(config, log, fetching);
  // operations are priced from the @cost/@listSize of the supergraph served right now
  let costModel: CostModel | undefined;
  let served: { sdl: string; loadedAt: Date } | undefined;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    // the gateway calls this once its own query planner for this supergraph is built
    served = { sdl: coreSupergraphSdl, loadedAt: new Date() };
    try {
      costModel = costModelOf(coreSupergraphSdl, config.cost.defaultListSize);
    } catch (error) {
      log.error({ err: error }, 'cannot read cost directives of this supergraph; keeping the previous ones');
    }
    try {
      const next = new SubscriptionPlanner(coreSupergraphSdl);
      sources.set(next, Object.fromEntries(Object.entries(next.subgraphUrls).map(([name, url]) => [name, buildSource({ name, url })])));
      planner = next;
    } catch (error) {
      log.error({ err: error }, 'cannot plan subscriptions over this supergraph; keeping the previous one');
    }
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway: config.executor === 'wavegraph' ? new FastGateway(gateway, config.planCache, log) : gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    // our own signal handling stops the server, then the database and queues, in order
    stopOnTerminationSignals: false,
    formatError: formatError(log),
    parseOptions: { maxTokens: config.maxTokens },
    // off by default: bearer tokens only, nothing ambient for a cross-site request to ride on (config.ts)
    csrfPrevention: config.csrfPrevention,
    persistedQueries: { cache: documents.persistedQueryCache(), ttl: config.trustedDocuments.apq.ttlSeconds },
    validationRules: queryLimitRules(config),
    // no "Did you mean …?" in production: it would spell out the schema introspection hides
    hideSchemaDetailsFromClientErrors: config.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      graphqlMetricsPlugin<GatewayContext>(metrics),
      wellFormedPlugin<GatewayContext>(),
      serviceUnavailablePlugin<GatewayContext>(),
      demandControlPlugin(() => costModel, config.cost.budgets),
      authAttemptsPlugin<GatewayContext>(rateLimits),
      access.plugin,
      // last: every refusal (cost, limits, documents) comes before a key is claimed
      idempotent,
      // GraphiQL (ide/) is ours, mounted before Apollo; Sandbox is Apollo's landing page
      config.ide === 'sandbox' ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  const ready = readiness({
    jwksUrl: config.jwksUrl,
    supergraph: () => served,
    plannerBuilt: () => planner !== undefined,
    breakers: () => breakers.report(),
    redis,
  });
  app.get('/ready', async (_req, res) => {
    const report = await ready();
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  mountPassThrough(app, config, log);
  if (config.ide === 'graphiql') mountIde(app);
  // browsers may send any request header (cors reflects what a preflight asks for, Idempotency-Key included) and read whether an answer was replayed
  const allowOrigins = cors({ origin: config.corsOrigins, credentials: true, maxAge: 600, exposedHeaders: [REPLAYED_HEADER] });
  const clientIp = (request: IncomingMessage) => proxyAddr(request, app.get('trust proxy fn'));
  graphqlPost = graphqlPostHandler({ apollo, cors: allowOrigins, verifyToken, rateLimits, documents, clientIp, maxBodyBytes: MAX_BODY_BYTES, log });
  app.use(
    '/graphql',
    allowOrigins,
    express.json({ limit: MAX_BODY_BYTES }),
    bodyErrors,
    (req: Request, res: Response, next: NextFunction) => {
      res.locals.requestId = requestIdOf(req.headers['x-request-id']);
      res.setHeader('x-request-id', res.locals.requestId);
      // verified once: the rate limit needs the caller before Apollo does
      const viewer = verifyToken(req.header('authorization'));
      viewer.catch(() => undefined);
      res.locals.viewer = viewer;
      next();
    },
    limitOperations(rateLimits, (res) => res.locals.viewer as Promise<Viewer | null>),
    trustedDocumentsGuard(documents),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        viewer: await (res.locals.viewer as Promise<Viewer | null>),
        requestId: res.locals.requestId as string,
        traceparent: traceparentOf(req.headers.traceparent),
        clientIp: req.ip ?? 'unknown',
        access: accessRecordOf(req),
      }),
    }),
  );

  // no route, or a failure outside GraphQL: JSON too, never Express's HTML page with a stack
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    log.error({ err: error }, 'unexpected error outside GraphQL');
    res.status(500).json({ error: 'internal server error' });
  }) as ErrorRequestHandler);

  const subscriptions = serveGatewaySubscriptions(httpServer, {
    config,
    verifySession,
    planner: () => planner,
    costModel: () => costModel,
    sources: (current) => sources.get(current) ?? {},
    rateLimits,
    documents,
    clientIp,
    signer,
    formatError: formatError(log),
    log,
  });

  const unwatch = watchGatewayState(metrics, breakers, subscriptions);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  }).catch(async (error: unknown) => {
    // a port in use must not leave the gateway half started
    unwatch();
    await subscriptions.close();
    await apollo.stop();
    await http.close();
    await entityCache?.stop();
    await connections.close();
    throw error;
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  log.info({ url }, 'gateway ready');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    httpServer,
    subscriptions,
    rateLimits,
    breakers,
    entityCache: entityCache?.cache,
    metrics,
    // WebSockets first: open subscriptions would otherwise hold the HTTP drain
    stop: () => (stopping ??= subscriptions.close().then(() => apollo.stop()).then(() => http.close()).then(() => entityCache?.stop()).finally(() => {
      unwatch();
      return connections.close();
    })),
  };
}

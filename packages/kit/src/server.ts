import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { coercionField, DEFAULT_MAX_SKEW_MS, ENVELOPE_HEADERS, verifyEnvelope, type Viewer } from '@wavegraph/auth';
import { createRegistry, graphqlMetricsPlugin, type Registry } from '@wavegraph/metrics';
import { createRedisConnections, isRedisUnavailable, whenReady, type RedisConnections } from '@wavegraph/redis';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from './context';
import { serviceUnavailable } from './errors';
import { openDatabase, type Database } from './database';
import { createLogger, type Logger } from './logger';
import { Loaders } from './loaders';
import { NonceGuard } from './nonces';
import { createRedisPubSub, type SubgraphPubSub } from './pubsub';
import { buildFederatedSchema, type SubgraphSchemaDefinition } from './schema';
import { serveSubscriptions } from './subscriptions';
import { DEADLINE_EXCEEDED, runWithDeadline } from './deadline';
import { readinessOf } from './readiness';
import { runWithTrace } from './trace';

export interface ServiceDeps {
  db: Database;
  log: Logger;
  /** Where services get their Redis connections (never a URL of their own); the kit closes them after `stopServices`. */
  redis: RedisConnections;
  /** Prefix for every Redis key and queue of this instance (tests use a fresh one per run). */
  redisPrefix: string;
  /** Subscription events, fanned out to every replica; publish after the transaction commits. */
  pubSub: SubgraphPubSub;
  /** This subgraph's Prometheus registry: its event backbone and queues report there. */
  metrics: Registry;
}

export interface SubgraphModule<S> extends SubgraphSchemaDefinition<S> {
  entities: Function[];
  migrations: Function[];
  createServices(deps: ServiceDeps): S | Promise<S>;
  /** Extra HTTP routes served beside /graphql (e.g. identity's JWKS). */
  routes?(app: Express, services: S): void;
  /** Readiness checks beyond the database (e.g. Redis); may resolve with a note shown in /ready. */
  ready?(services: S): Promise<void | string>;
  /** A producer's durable event log, served to consumers beside /graphql (see @wavegraph/events). */
  eventLog?(services: S): EventLogEndpoint;
  stopServices?(services: S): Promise<void>;
}

/** How a subgraph serves its event log: the kit mounts it and tells it where it listens. */
export interface EventLogEndpoint {
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Called once the subgraph listens, with its base URL (where consumers reach the log). */
  listening(baseUrl: string): Promise<void>;
}

export interface StartOptions {
  port: number;
  host?: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  gatewaySecret: string;
  logger?: Logger;
  /** Where its metrics are recorded; a fresh registry labelled with the subgraph's name by default. */
  metrics?: Registry;
}

export interface RunningSubgraph<S> {
  url: string;
  port: number;
  services: S;
  db: Database;
  /** Its subscription events (tests wait on `listeners` before causing one). */
  pubSub: SubgraphPubSub;
  /** Its Prometheus metrics (runSubgraph serves them on the metrics port). */
  metrics: Registry;
  stop(): Promise<void>;
}

const EXPECTED_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', DEADLINE_EXCEEDED,
]);

/**
 * Known errors pass through; Redis being away is a retryable SERVICE_UNAVAILABLE (with
 * `retryAfter`), not a bug; anything else unexpected is logged and reaches the client as a bare code.
 */
function maskErrors(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === 'BAD_USER_INPUT' && formatted.extensions?.field === undefined) {
      const field = coercionField(formatted.message);
      if (field) return { ...formatted, extensions: { ...formatted.extensions, field } };
    }
    if (typeof code === 'string' && EXPECTED_CODES.has(code)) return formatted;
    const cause = unwrapResolverError(error);
    if (isRedisUnavailable(cause)) {
      log.warn({ err: cause, path: formatted.path }, 'Redis is unavailable: answered SERVICE_UNAVAILABLE');
      const unavailable = serviceUnavailable();
      return { message: unavailable.message, path: formatted.path, locations: formatted.locations, extensions: unavailable.extensions };
    }
    log.error({ err: cause, path: formatted.path }, 'unexpected error');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function requestLogging(log: Logger): ApolloServerPlugin<Context<unknown>> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          log.info({ requestId: contextValue.requestId, operationName, ms, errors: errors?.length ?? 0 }, 'graphql request');
        },
      };
    },
  };
}

/** A host others can reach: a wildcard bind is advertised as loopback (set EVENTS_LOG_ADVERTISE_URL when that is wrong). */
const advertisedHost = (host = '127.0.0.1'): string => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** Starts one subgraph: database + migrations, schema, HTTP with /graphql (and graphql-ws on it), /health and /ready. */
export async function startSubgraph<S>(module: SubgraphModule<S>, options: StartOptions): Promise<RunningSubgraph<S>> {
  const log = options.logger ?? createLogger(module.name);
  const metrics = options.metrics ?? createRegistry(module.name);
  const db = await openDatabase({ url: options.databaseUrl, entities: module.entities, migrations: module.migrations, logger: log });
  // every Redis connection of this subgraph, closed last of all Redis users on stop
  const redis = createRedisConnections(options.redisUrl, { owner: module.name, log });
  const pubSub = createRedisPubSub(redis, options.redisPrefix, log);
  const services = await module.createServices({ db, log, redis, redisPrefix: options.redisPrefix, pubSub, metrics });
  const schema = await buildFederatedSchema(module);
  // failFast: a nonce check never waits on Redis; while it cannot answer, the guard decides locally
  const nonceRedis = redis.open('failFast', 'nonces');
  // remembered as long as an envelope's timestamp can pass the skew check: ±skew around now
  const nonces = new NonceGuard(nonceRedis, { prefix: `${options.redisPrefix}:${module.name}`, windowMs: 2 * DEFAULT_MAX_SKEW_MS, log });
  if (!(await whenReady(nonceRedis, 2_000))) log.warn('Redis is not reachable: envelope nonces are checked by this replica alone until it is');
  const contextFor = (viewer: Viewer | null, requestId: string): Context<S> => ({
    viewer, requestId, loaders: new Loaders(), services, pubSub, log: log.child({ requestId }),
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  const apollo = new ApolloServer<Context<S>>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // our own signal handling stops the server, then the database and queues, in order
    stopOnTerminationSignals: false,
    formatError: maskErrors(log),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), graphqlMetricsPlugin<Context<S>>(metrics), requestLogging(log) as ApolloServerPlugin<Context<S>>],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: module.name });
  });
  // each check within a short timeout, one round answering every probe for a second
  const ready = readinessOf({
    checks: {
      database: async () => {
        await db.dataSource.query('SELECT 1');
      },
      // failFast: answers at once while Redis is away instead of queueing the PING
      redis: async () => {
        await nonceRedis.ping();
      },
      ...(module.ready && { [module.name]: () => module.ready!(services) }),
    },
  });
  app.get('/ready', async (_req, res) => {
    const outcome = await ready();
    const body = { status: outcome.ready ? 'ready' : 'unavailable', service: module.name, checks: outcome.checks, nonces: nonces.stats };
    if (!outcome.ready) log.warn({ checks: outcome.checks }, 'not ready');
    res.status(outcome.ready ? 200 : 503).json(body);
  });
  module.routes?.(app, services);
  const eventLog = module.eventLog?.(services);
  if (eventLog) app.get(eventLog.path, (req, res) => eventLog.handle(req, res));

  app.use(
    '/graphql',
    express.raw({ type: () => true, limit: '1mb' }),
    // a body over the limit gets a GraphQL error, not Express's HTML page
    ((error, _req, res, next) => {
      if (res.headersSent) return next(error);
      res.status(error.status === 413 ? 413 : 400).json({ errors: [{ message: 'The request body cannot be read', extensions: { code: 'BAD_REQUEST' } }] });
    }) as ErrorRequestHandler,
    async (req: Request, res: Response, next: NextFunction) => {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = verifyEnvelope(options.gatewaySecret, req.headers, body);
      if (!verdict.ok && verdict.expired) {
        // genuine, but read after the gateway gave up on it (a stall, a queue, a slow proxy): it must not run now
        const late = Number(req.headers[ENVELOPE_HEADERS.deadline]);
        log.warn({ requestId: req.headers[ENVELOPE_HEADERS.requestId], lateMs: Date.now() - late }, 'refused a request read after the gateway deadline');
        res.status(504).json({ errors: [{ message: 'The gateway stopped waiting for this request before it could run', extensions: { code: DEADLINE_EXCEEDED } }] });
        return;
      }
      // a valid signature seen before is a replay of a captured request; every HTTP request the gateway sends has a deadline
      const reason = !verdict.ok ? verdict.reason
        : verdict.deadline === null ? 'missing gateway deadline'
        : (await nonces.claim(verdict.nonce)) ? null : 'replayed gateway signature';
      if (!verdict.ok || reason) {
        res.status(401).json({ errors: [{ message: `Requests must come through the gateway (${reason})`, extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      res.locals.viewer = verdict.viewer;
      res.locals.requestId = verdict.requestId;
      try {
        req.body = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        res.status(400).json({ errors: [{ message: 'Body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      // events recorded while serving this request carry its id
      const traceparent = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined;
      // and its transactions commit only while the gateway still waits for the answer
      runWithTrace({ requestId: verdict.requestId, traceparent }, () => runWithDeadline(verdict.deadline, next));
    },
    expressMiddleware(apollo, {
      context: async ({ res }) => contextFor(res.locals.viewer ?? null, res.locals.requestId ?? ''),
    }),
  );
  const subscriptions = serveSubscriptions(httpServer, {
    schema, path: '/graphql', gatewaySecret: options.gatewaySecret, nonces, log, context: contextFor, formatError: maskErrors(log),
  });

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/graphql`;
  log.info({ url }, `${module.name} subgraph ready`);
  // consumers find the log at the address this replica is reached at (EVENTS_LOG_ADVERTISE_URL behind a proxy or in a cluster)
  await eventLog?.listening(process.env.EVENTS_LOG_ADVERTISE_URL || `http://${advertisedHost(options.host)}:${port}`).catch((error: unknown) => log.warn({ err: error }, 'the event log could not be advertised yet; retried in the background'));

  let stopping: Promise<void> | undefined;
  // how long a stop waits for ended subscriptions to tell their subscribers why, before closing the sockets
  const SUBSCRIPTIONS_SETTLE_MS = 1_000;
  const stop = () => {
    stopping ??= (async () => {
      // open subscriptions end first: their sockets would otherwise hold the HTTP drain
      // subscribers hear why their subscription ends, then the sockets close
      pubSub.interrupt();
      await subscriptions.settled(SUBSCRIPTIONS_SETTLE_MS);
      await subscriptions.close();
      await apollo.stop();
      await module.stopServices?.(services);
      await pubSub.close();
      await redis.close();
      await db.dataSource.destroy();
    })();
    return stopping;
  };
  return { url, port, services, db, pubSub, metrics, stop };
}

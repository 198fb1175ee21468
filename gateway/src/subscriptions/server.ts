/// <reference path="../graphql-ws-use-ws.d.ts" />
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { ServiceMap } from '@apollo/gateway';
import type { Viewer } from '@wavegraph/auth';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { SessionVerifier } from '../auth';
import type { GatewayConfig } from '../config';
import type { Limit } from '../protection/limiter';
import { rateLimited } from '../protection/rate-limited';
import { callerKey, type RateLimits } from '../protection/rate-limits';
import type { CostModel } from '../cost';
import { subscriptionDocument, type DocumentPolicy } from '../documents';
import { queryLimitRules } from '../limits';
import { SubscriptionExecutor } from './executor';
import { keepAlive } from './keep-alive';
import { prepareOperation, type PreparedOperation } from './operation';
import type { SubscriptionPlanner } from './planner';
import type { FrameSink } from './socket-subscriber';
import { framesTo } from './socket-frames';
import type { Signer } from '../subgraph/signer';

export interface GatewaySubscriptionsOptions {
  config: GatewayConfig;
  verifySession: SessionVerifier;
  /** The planner of the supergraph served right now (it changes when the gateway reloads). */
  planner(): SubscriptionPlanner | undefined;
  /** The cost model of the same supergraph. */
  costModel(): CostModel | undefined;
  sources(planner: SubscriptionPlanner): ServiceMap;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  rateLimits: RateLimits;
  /** Trusted documents and persisted queries, as over HTTP. */
  documents: DocumentPolicy;
  /** The client's address as HTTP sees it (the same trusted proxies). */
  clientIp(request: IncomingMessage): string;
  /** The gateway's one signer, shared with its HTTP fetches. */
  signer: Signer;
  log: Logger;
}

export interface GatewaySubscriptions {
  executor: SubscriptionExecutor;
  /** Open client connections. */
  connections(): number;
  /** Closes every client connection with 1001 (clients reconnect elsewhere), then the subgraph connections. */
  close(): Promise<void>;
}

interface Session {
  viewer: Viewer | null;
  /** The Authorization it connected with: checked again on every subscribe, in case identity revoked it. */
  authorization?: string;
  /** What its rate limits count it as: the account, or the address when anonymous. */
  caller: string;
  connectionId: string;
  /** Where this connection's subscribers write their `next` frames. */
  frames: FrameSink;
  expiry?: NodeJS.Timeout;
}

/** Close codes a client reads as "fix your credentials, then reconnect". */
const FORBIDDEN = 4403;
/** "Slow down": too many connections, opened or open; the reason says when to come back. */
const TOO_MANY = 4429;

/** `Authorization: Bearer …` in connectionParams (any case), or a bare `token`. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value !== 'string') continue;
    if (name.toLowerCase() === 'authorization') return value;
    if (name === 'token') return `Bearer ${value}`;
  }
  return undefined;
}

const takeOrNull = (limit: Limit | null, key: string) => (limit ? limit.take(key) : Promise.resolve(null));

function refused(message: string, code: string): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code } })];
}

/**
 * graphql-ws on the gateway's port and path. The access token travels in connectionParams and
 * is verified on connection_init (4403 when invalid, 4408 when no init comes in time); the
 * connection closes with 4403 when the token expires. Each operation is checked like an HTTP
 * one (token, depth, alias and directive limits, validation, cost budget), planned, and executed by the executor.
 */
export function serveGatewaySubscriptions(httpServer: Server, options: GatewaySubscriptionsOptions): GatewaySubscriptions {
  const { config, log } = options;
  const limits = config.subscriptions;
  // errors a subgraph sent with its event arrive already formatted; ours are GraphQLErrors
  const format = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    errors.map((error) => options.formatError(error instanceof GraphQLError ? error.toJSON() : error, error));
  const executor = new SubscriptionExecutor({
    signer: options.signer,
    subgraphUrl: (name, supergraph) => config.subgraphUrls[name] ?? supergraph.subgraphUrls[name],
    sources: (supergraph) => options.sources(supergraph as SubscriptionPlanner),
    bufferPerSubscription: limits.bufferPerSubscription,
    // once per event for all its subscribers, as graphql-ws would send it to each
    serialize: (result: ExecutionResult) => JSON.stringify(result.errors ? { ...result, errors: format(result.errors) } : result),
    log,
  });
  const limitRules = queryLimitRules(config);
  const sessions = new WeakMap<object, Session>();
  // open connections per account on this replica
  const openPerUser = new Map<string, number>();
  const release = (viewer: Viewer | null) => {
    if (!viewer) return;
    const left = (openPerUser.get(viewer.id) ?? 1) - 1;
    if (left > 0) openPerUser.set(viewer.id, left);
    else openPerUser.delete(viewer.id);
  };
  // a larger frame is refused by ws before it is buffered whole or parsed (close 1009)
  // permessage-deflate stays off: compressing each frame per socket would undo sending one frame to all (see framesTo)
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });

  const server = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: limits.initTimeoutMs,
      onConnect: async (ctx) => {
        let verified;
        try {
          verified = await options.verifySession(authorizationOf(ctx.connectionParams));
        } catch (error) {
          const code = error instanceof GraphQLError ? error.extensions.code : undefined;
          log.info({ code }, 'refused subscription connection');
          if (code !== 'UNAUTHENTICATED') ctx.extra.socket.close(1013, 'Cannot verify tokens right now');
          return false;
        }
        const viewer = verified?.viewer ?? null;
        const caller = callerKey(viewer, options.clientIp(ctx.extra.request));
        const opened = await takeOrNull(options.rateLimits.wsConnections, caller);
        if (opened && !opened.allowed) {
          ctx.extra.socket.close(TOO_MANY, `Too many connections; retry in ${opened.resetSeconds} s`);
          return false;
        }
        if (viewer && (openPerUser.get(viewer.id) ?? 0) >= limits.maxConnectionsPerUser) {
          ctx.extra.socket.close(TOO_MANY, `At most ${limits.maxConnectionsPerUser} open connections per account`);
          return false;
        }
        if (viewer) openPerUser.set(viewer.id, (openPerUser.get(viewer.id) ?? 0) + 1);
        const session: Session = { viewer, authorization: authorizationOf(ctx.connectionParams), caller, connectionId: randomUUID(), frames: framesTo(ctx.extra.socket) };
        if (verified) {
          // the connection lives only as long as the token it was opened with
          session.expiry = setTimeout(() => ctx.extra.socket.close(FORBIDDEN, 'Access token expired'), Math.max(0, verified.expiresAt - Date.now()));
        }
        sessions.set(ctx, session);
        return true;
      },
      onClose: (ctx) => {
        const session = sessions.get(ctx);
        clearTimeout(session?.expiry);
        if (session) release(session.viewer);
        sessions.delete(ctx);
      },
      onSubscribe: async (ctx: Context<Record<string, unknown> | undefined, Extra>, id, payload) => {
        const session = sessions.get(ctx);
        if (!session) return refused('Not connected', 'UNAUTHENTICATED');
        // graphql-ws has already counted this one; counted before any await, or subscribe messages
        // arriving together would all see each other and all be refused
        if (Object.keys(ctx.subscriptions).length > limits.maxPerConnection) {
          return refused(`At most ${limits.maxPerConnection} subscriptions per connection`, 'TOO_MANY_SUBSCRIPTIONS');
        }
        const attempt = await takeOrNull(options.rateLimits.wsSubscribes, session.caller);
        if (attempt && !attempt.allowed) return [rateLimited(attempt, 'subscribe attempts')];
        if (session.viewer && !(await options.verifySession(session.authorization).catch(() => null))) {
          // logged out, or role or plan changed since the connection opened: reconnect with a fresh token
          ctx.extra.socket.close(FORBIDDEN, 'Access token revoked');
          return refused('Access token has been revoked', 'UNAUTHENTICATED');
        }
        const planner = options.planner();
        if (!planner) return refused('The gateway is not ready yet', 'SERVICE_UNAVAILABLE');
        const source = await subscriptionDocument(options.documents, payload);
        if ('errors' in source) return source.errors;
        const prepared = prepareOperation(planner, { ...payload, query: source.query }, { config, limitRules, costModel: options.costModel(), viewer: session.viewer });
        if ('errors' in prepared) return prepared.errors;
        return {
          schema: planner.schema,
          document: prepared.document,
          operationName: payload.operationName ?? undefined,
          variableValues: payload.variables ?? {},
          contextValue: { prepared, planner, session, id },
        };
      },
      // graphql-ws runs the subscription's protocol; its events' `next` frames are written by the
      // subscriber itself, serialized once per event for everyone (see SocketSubscriber)
      subscribe: (args) => {
        const { prepared, planner, session, id } = args.contextValue as { prepared: PreparedOperation; planner: SubscriptionPlanner; session: Session; id: string };
        const request = { query: prepared.query, operationName: prepared.operationName, variables: prepared.variables, viewer: session.viewer, requestId: session.connectionId };
        return executor.subscribeSocket(planner, prepared.plan, request, id, session.frames);
      },
      // refusals of an operation, formatted like HTTP errors; the connection stays open
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
    // no timers per connection: one keepAlive for all of them (below)
    0,
  );
  const stopKeepAlive = keepAlive(wss);

  return {
    executor,
    connections: () => wss.clients.size,
    close: async () => {
      stopKeepAlive();
      await server.dispose();
      await executor.close();
    },
  };
}

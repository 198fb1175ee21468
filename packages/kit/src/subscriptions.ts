/// <reference path="./graphql-ws-use-ws.d.ts" />
import type { Server } from 'node:http';
import { verifyEnvelope, type Viewer } from '@wavegraph/auth';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Context } from './context';
import type { Logger } from './logger';

export interface SubscriptionServerOptions<S> {
  schema: GraphQLSchema;
  path: string;
  gatewaySecret: string;
  log: Logger;
  context(viewer: Viewer | null, requestId: string): Context<S>;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

export interface SubscriptionServer {
  /** Closes every socket (1001 Going away), which ends their subscriptions, then the server. */
  close(): Promise<void>;
}

interface Verified {
  viewer: Viewer | null;
  requestId: string;
}

// the handshake signs no operation, only who the caller is and when: the body is empty
const NO_BODY = Buffer.alloc(0);

/** connectionParams carry the envelope headers; anything not a string is not part of it. */
function headersOf(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * graphql-ws on the HTTP server's port and path. The gateway signs connection_init like an
 * HTTP request (body ''); an unsigned, forged or stale one is closed with 4403 Forbidden, and
 * every operation on an accepted connection runs as the viewer it was signed for.
 */
export function serveSubscriptions<S>(httpServer: Server, options: SubscriptionServerOptions<S>): SubscriptionServer {
  const wss = new WebSocketServer({ server: httpServer, path: options.path });
  const verified = new WeakMap<object, Verified>();
  const mask = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));

  const server = useServer(
    {
      schema: options.schema,
      // internal error messages stay out of close reasons
      isProd: true,
      onConnect: (ctx) => {
        const verdict = verifyEnvelope(options.gatewaySecret, headersOf(ctx.connectionParams), NO_BODY);
        if (!verdict.ok) {
          options.log.warn({ reason: verdict.reason }, 'refused subscription connection');
          return false;
        }
        verified.set(ctx, { viewer: verdict.viewer, requestId: verdict.requestId });
        return true;
      },
      context: (ctx) => {
        const caller = verified.get(ctx);
        // onConnect acknowledged only verified connections; this is a guard, not a path
        if (!caller) throw new Error('subscription on an unverified connection');
        return options.context(caller.viewer, caller.requestId);
      },
      // errors before execution (parse, validation) have no code of ours: they are the client's
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => ({ ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } })),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: mask(result.errors) } : undefined),
    },
    wss,
  );
  return {
    close: async () => {
      await server.dispose();
    },
  };
}

/// <reference path="./graphql-ws-use-ws.d.ts" />
import type { Server } from 'node:http';
import { ENVELOPE_HEADERS, OPERATION_ENVELOPE_EXTENSION, operationBody, verifyEnvelope, type Viewer } from '@wavegraph/auth';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Context } from './context';
import type { Logger } from './logger';
import type { NonceGuard } from './nonces';

export interface SubscriptionServerOptions<S> {
  schema: GraphQLSchema;
  path: string;
  gatewaySecret: string;
  /** Handshakes and subscribe messages are accepted once each, like HTTP envelopes. */
  nonces: NonceGuard;
  log: Logger;
  context(viewer: Viewer | null, requestId: string): Context<S>;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

export interface SubscriptionServer {
  /**
   * Resolves once no connection has a subscription running (each ended subscription's last
   * message, an `error` or `complete`, has been sent), or after `timeoutMs`.
   */
  settled(timeoutMs: number): Promise<void>;
  /** Closes every socket (1001 Going away), which ends their subscriptions, then the server. */
  close(): Promise<void>;
}

/** How often settled() looks whether the ended subscriptions have said their last word. */
const SETTLE_POLL_MS = 5;

interface Verified {
  viewer: Viewer | null;
  /** As signed, to compare with each subscribe message's envelope. */
  encodedViewer: string;
  requestId: string;
}

// the handshake signs who the caller is and when; each subscribe message signs its operation
const NO_BODY = Buffer.alloc(0);

/** connectionParams carry the envelope headers; anything not a string is not part of it. */
function headersOf(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return headers;
}

function refused(reason: string): readonly GraphQLError[] {
  return [new GraphQLError(`Subscriptions must come through the gateway (${reason})`, { extensions: { code: 'UNAUTHENTICATED' } })];
}

/**
 * graphql-ws on the HTTP server's port and path. The gateway signs connection_init like an
 * HTTP request (body ''); an unsigned, forged, stale or replayed one is closed with 4403
 * Forbidden. Every subscribe message must carry its own envelope signed over its query and
 * variables for the connection's viewer (see operationBody); one without it, for another
 * operation or viewer, or replayed, is refused with UNAUTHENTICATED and nothing runs. So a
 * captured handshake starts nothing, and a captured subscribe message starts nothing else.
 */
export function serveSubscriptions<S>(httpServer: Server, options: SubscriptionServerOptions<S>): SubscriptionServer {
  const wss = new WebSocketServer({ server: httpServer, path: options.path });
  const verified = new WeakMap<object, Verified>();
  /** The open connections' contexts: graphql-ws keeps each running subscription in `subscriptions`. */
  const open = new Set<{ subscriptions: Record<string, unknown> }>();
  const mask = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));

  const server = useServer(
    {
      schema: options.schema,
      // internal error messages stay out of close reasons
      isProd: true,
      onConnect: async (ctx) => {
        const headers = headersOf(ctx.connectionParams);
        const verdict = verifyEnvelope(options.gatewaySecret, headers, NO_BODY);
        const reason = !verdict.ok ? verdict.reason : (await options.nonces.claim(verdict.nonce)) ? null : 'replayed gateway signature';
        if (!verdict.ok || reason) {
          options.log.warn({ reason }, 'refused subscription connection');
          return false;
        }
        verified.set(ctx, { viewer: verdict.viewer, encodedViewer: headers[ENVELOPE_HEADERS.viewer] ?? '', requestId: verdict.requestId });
        open.add(ctx as unknown as { subscriptions: Record<string, unknown> });
        return true;
      },
      onClose: (ctx) => {
        open.delete(ctx as unknown as { subscriptions: Record<string, unknown> });
      },
      onSubscribe: async (ctx, _id, payload) => {
        const caller = verified.get(ctx);
        const headers = headersOf(payload.extensions?.[OPERATION_ENVELOPE_EXTENSION] as Record<string, unknown> | undefined);
        const verdict = verifyEnvelope(options.gatewaySecret, headers, operationBody(payload.query, payload.variables));
        let reason: string | null = verdict.ok ? null : verdict.reason;
        if (verdict.ok && headers[ENVELOPE_HEADERS.viewer] !== caller?.encodedViewer) reason = 'signed for another viewer';
        else if (verdict.ok && !(await options.nonces.claim(verdict.nonce))) reason = 'replayed gateway signature';
        if (reason === null) return undefined;
        options.log.warn({ reason }, 'refused subscription');
        return refused(reason);
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
  const running = () => [...open].some((ctx) => Object.keys(ctx.subscriptions).length > 0);
  return {
    settled: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (running() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    },
    close: async () => {
      await server.dispose();
    },
  };
}

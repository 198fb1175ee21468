import { randomUUID } from 'node:crypto';
import { OPERATION_ENVELOPE_EXTENSION, operationBody, signEnvelope, type Viewer } from '@wavegraph/auth';
import { connectRedis, pubSubChannel } from '@wavegraph/kit';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from './eventually';
import { TEST_REDIS_URL } from './redis';
import { TEST_GATEWAY_SECRET } from './subgraph-client';

export interface SubscribeOptions {
  /** false: connect without the envelope, like a client that bypasses the gateway. */
  signed?: boolean;
  secret?: string;
  /** When the handshake claims to be signed (to test stale signatures). */
  timestamp?: number;
  /** The subscribe message's own envelope instead of a fresh one over this operation (to test replays). */
  operationEnvelope?: Record<string, string>;
}

/** How a subscription ended: completed by the server, or its socket closed (with the close code). */
export interface SubscriptionEnd {
  completed: boolean;
  closeCode?: number;
  /** The operation was refused (e.g. invalid) with these errors, the socket left open. */
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

export interface TestSubscription<T> {
  /** Every result received so far, in order. */
  readonly results: FormattedExecutionResult<T, unknown>[];
  /** Settles once the subscription is over; never rejects. */
  readonly ended: Promise<SubscriptionEnd>;
  /** Waits for at least `count` results and returns them all. */
  received(count: number, timeoutMs?: number): Promise<FormattedExecutionResult<T, unknown>[]>;
  close(): Promise<void>;
}

/** The envelope the gateway puts in a subscribe message's extensions: signed over this operation for the viewer. */
export function signOperation(query: string, variables: Record<string, unknown>, viewer: Viewer | null, secret = TEST_GATEWAY_SECRET): Record<string, string> {
  return signEnvelope(secret, { viewer, requestId: randomUUID(), timestamp: Date.now(), body: operationBody(query, variables) });
}

/**
 * Subscribes to a subgraph the way the gateway does: graphql-ws, its connection_init signed for
 * the viewer, and the subscribe message signed over its operation.
 */
export function subscribeToSubgraph<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  viewer: Viewer | null = null,
  options: SubscribeOptions = {},
): TestSubscription<T> {
  const connectionParams =
    options.signed === false
      ? {}
      : signEnvelope(options.secret ?? TEST_GATEWAY_SECRET, { viewer, requestId: randomUUID(), timestamp: options.timestamp ?? Date.now(), body: '' });
  const extensions =
    options.signed === false ? {} : { [OPERATION_ENVELOPE_EXTENSION]: options.operationEnvelope ?? signOperation(query, variables, viewer, options.secret) };
  return subscribeOverWebSocket<T>(url, query, variables, connectionParams, extensions);
}

/**
 * One subscription over its own graphql-ws connection, as a browser would open it (`url` may be
 * http: or ws:), recording every result and how it ended. No retries, so every close is seen.
 */
export function subscribeOverWebSocket<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  connectionParams: Record<string, unknown> = {},
  extensions: Record<string, unknown> = {},
): TestSubscription<T> {
  let closeCode: number | undefined;
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    on: { closed: (event) => void (closeCode ??= (event as { code?: number }).code) },
  });
  const results: FormattedExecutionResult<T, unknown>[] = [];
  const ended = new Promise<SubscriptionEnd>((resolve) => {
    client.subscribe<T>({ query, variables, extensions }, {
      next: (result) => void results.push(result),
      complete: () => resolve({ completed: true, closeCode }),
      // a refused operation reaches the sink as its errors, a closed socket as its CloseEvent
      error: (error) =>
        resolve(Array.isArray(error) ? { completed: false, errors: error } : { completed: false, closeCode: (error as { code?: number }).code ?? closeCode }),
    });
  });
  return {
    results,
    ended,
    received: (count, timeoutMs = 10_000) => eventually(async () => results.length >= count && results, timeoutMs),
    close: async () => {
      await client.dispose();
    },
  };
}

/** Waits until exactly `count` connections listen on a topic: events published before that would be missed. */
export async function pubSubListeners(redisPrefix: string, topic: string, count = 1): Promise<void> {
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'test:pubsub-listeners' });
  try {
    await eventually(async () => {
      const [, listening] = (await redis.pubsub('NUMSUB', pubSubChannel(redisPrefix, topic))) as [string, number];
      return Number(listening) === count;
    });
  } finally {
    redis.disconnect();
  }
}

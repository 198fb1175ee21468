import { encodeViewer, type Viewer } from '@wavegraph/auth';
import { createClient, type Client, type FormattedExecutionResult, type Sink } from 'graphql-ws';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { Signer } from '../subgraph/signer';

export interface UpstreamRequest {
  query: string;
  variables: Record<string, unknown>;
}

export type UpstreamEvent = FormattedExecutionResult<Record<string, unknown>, unknown>;

/**
 * The gateway's graphql-ws connections to subgraphs: one lazy client per subgraph and viewer,
 * multiplexing every subscription that viewer holds there. Its connection_init is signed for
 * the viewer, and each subscribe message carries its own envelope signed over its query and
 * variables (in `extensions`), which the subgraph checks before running it.
 *
 * Why per subscribe message rather than one connection per operation signed over it: the
 * connection stays shared by all of a viewer's subscriptions on a subgraph (one socket, not one
 * per operation), while a captured handshake starts nothing and a captured subscribe message
 * starts nothing else, and only once (its nonce). Identical subscriptions are still shared one
 * level up (SharedSubscription), so this adds one signature per upstream subscription, not per
 * subscriber. A client connects on its first subscription and closes shortly after its last one.
 *
 * A connection that drops is not retried: each of its subscriptions ends with an error the
 * subscriber sees, rather than waiting silently on a subgraph that may have lost its state.
 */
export class UpstreamClients {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly signer: Signer,
    private readonly log: Logger,
  ) {}

  /** Returns the function that ends this upstream subscription. */
  subscribe(url: string, viewer: Viewer | null, request: UpstreamRequest, sink: Sink<UpstreamEvent>): () => void {
    const extensions = this.signer.operation(viewer, request.query, request.variables);
    return this.clientFor(url, viewer).subscribe({ ...request, extensions }, sink);
  }

  get size(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.dispose()));
  }

  private clientFor(url: string, viewer: Viewer | null): Client {
    const key = `${url}\n${encodeViewer(viewer)}`;
    const existing = this.clients.get(key);
    if (existing) return existing;
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 2_000,
      retryAttempts: 0,
      // signed afresh for every connection, so a reconnect is never refused as stale
      connectionParams: () => this.signer.handshake(viewer),
      on: {
        closed: (event) => {
          const code = (event as { code?: number }).code;
          if (code !== 1000) this.log.warn({ url, code }, 'subgraph subscription connection closed');
          // a closed client is not reused: the next subscription opens a new one
          if (this.clients.get(key) !== client) return;
          this.clients.delete(key);
          void client.dispose();
        },
      },
    });
    this.clients.set(key, client);
    return client;
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedRoute {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Answer 304 when the request's If-None-Match is this ETag (the 200 carries it). */
  etag?: string;
  /** Wait this long before answering (a feed that times out). */
  delayMs?: number;
}

/** Feeds served on 127.0.0.1 by the test itself; routes can change between polls. */
export class FeedServer {
  readonly routes = new Map<string, FeedRoute | ((req: IncomingMessage) => FeedRoute)>();
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  private server!: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  set(path: string, route: FeedRoute | ((req: IncomingMessage) => FeedRoute)): string {
    this.routes.set(path, route);
    return this.url(path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ path, headers: req.headers });
    const found = this.routes.get(path);
    const route = typeof found === 'function' ? found(req) : found;
    const answer = () => {
      if (!route) {
        res.writeHead(404).end('not found');
        return;
      }
      if (route.etag && req.headers['if-none-match'] === route.etag) {
        res.writeHead(304, { etag: route.etag }).end();
        return;
      }
      res.writeHead(route.status ?? 200, { 'content-type': 'application/rss+xml', ...(route.etag && { etag: route.etag }), ...route.headers });
      res.end(route.body ?? '');
    };
    if (route?.delayMs) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, route.delayMs);
      this.timers.add(timer);
    }
    else answer();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

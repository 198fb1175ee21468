import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with the next request. */
export type Fault =
  /** Forward it and answer 503 without forwarding: the subgraph is overloaded. */
  | 'unavailable'
  /** Forward it, let the subgraph run it, then lose the answer (502): the dangerous case for retries. */
  | 'lose-answer'
  /** Keep it, unanswered, until `release()` forwards it: a stalled network or a subgraph that stopped reading. */
  | 'hold';

export interface CapturedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

export interface FaultProxy {
  /** Where the gateway is pointed instead of the subgraph. */
  url: string;
  /** Requests that reached the subgraph's address (this proxy), whatever happened next. */
  requests: number;
  /** TCP connections opened to it: a fetch that fails fast opens none. */
  connections: number;
  /** The last request received, as the gateway signed it. */
  last?: CapturedRequest;
  /** Faults for the next requests, in order, replacing any still pending; then requests are forwarded again. */
  failNext(...faults: Fault[]): void;
  /** Forwards the held requests now, however long their callers have waited; resolves to the subgraph's status for each. */
  release(): Promise<number[]>;
  /**
   * Until called again with null, every request gets no answer: 'hang' holds it open (a subgraph
   * too slow for the gateway's deadline), 'drop' resets its connection (a subgraph that is gone).
   * Clearing it lets held requests go (their connections are closed) and forwards again.
   */
  outage(mode: 'hang' | 'drop' | null): void;
  stop(): Promise<void>;
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host' && entry[0] !== 'content-length' && entry[0] !== 'connection'),
  );
}

/**
 * An HTTP proxy in front of a subgraph that counts what reaches it and injects faults on demand.
 * When the subgraph behind it is down, it drops the gateway's connection (as a dead host would
 * reset it) instead of answering, so the gateway sees a network failure, not an HTTP status.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const held: (() => Promise<number>)[] = [];
  const hung = new Set<Socket>();
  let outage: 'hang' | 'drop' | null = null;
  const proxy: FaultProxy = {
    url: '',
    requests: 0,
    connections: 0,
    failNext: (...next) => void faults.splice(0, faults.length, ...next),
    release: () => Promise.all(held.splice(0).map((forward) => forward())),
    outage: (mode) => {
      outage = mode;
      if (mode) return;
      for (const socket of hung) socket.destroy();
      hung.clear();
    },
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    proxy.requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = forwardable(req.headers);
      const body = Buffer.concat(chunks);
      proxy.last = { headers, body };
      if (outage === 'drop') {
        req.socket.destroy();
        return;
      }
      if (outage === 'hang') {
        hung.add(req.socket);
        return;
      }
      const fault = faults.shift();
      if (fault === 'unavailable') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded');
        return;
      }
      if (fault === 'hold') {
        // the answer goes back if the caller still listens (a caller that gave up has closed the socket)
        held.push(async () => {
          const answer = await fetch(target, { method: req.method, headers, body });
          const payload = Buffer.from(await answer.arrayBuffer());
          if (!res.destroyed) res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(payload);
          return answer.status;
        });
        return;
      }
      fetch(target, { method: req.method, headers, body: req.method === 'GET' ? undefined : body })
        .then(async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          if (fault === 'lose-answer') {
            res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
            return;
          }
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(payload);
        })
        .catch(() => req.socket.destroy());
    });
  });
  server.on('connection', (socket: Socket) => {
    proxy.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  proxy.stop = () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Requests that reached the subgraph through this proxy. */
  requests: number;
  stop(): Promise<void>;
}

/** Forwards every request to a subgraph unchanged (signature included) and counts them: "was the subgraph called?" */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const proxy: CountingProxy = { url: '', requests: 0, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    proxy.requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host' && entry[0] !== 'content-length'));
      fetch(target, { method: req.method, headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks) })
        .then(async (answer) => {
          // the subgraph's cache policy reaches the gateway as it was sent (the entity cache reads it)
          const cacheControl = answer.headers.get('cache-control');
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', ...(cacheControl && { 'cache-control': cacheControl }) });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  proxy.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

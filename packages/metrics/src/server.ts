import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics in Prometheus' text format on a port of its own, apart from the public one, so
 * metrics never reach clients through the gateway or a subgraph's route. Plain node:http: one
 * route does not need a framework.
 */
export async function startMetricsServer(registries: Registry | Registry[], port: number, host = '127.0.0.1'): Promise<MetricsServer> {
  const all = Array.isArray(registries) ? registries : [registries];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    Promise.all(all.map((registry) => registry.metrics())).then(
      (texts) => res.writeHead(200, { 'content-type': all[0].contentType }).end(texts.join('\n')),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    port: bound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

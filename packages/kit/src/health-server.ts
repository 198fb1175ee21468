import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import { readinessOf, type HealthCheck } from './readiness';

export type { HealthCheck } from './readiness';

export interface HealthServerOptions {
  /** Reported as `service`, e.g. `catalog-worker`. */
  name: string;
  port: number;
  host?: string;
  /** Each must settle within `checkTimeoutMs`, or it counts as failed. */
  checks: Record<string, HealthCheck>;
  /** Default 2000. */
  checkTimeoutMs?: number;
  /** How long one round of checks answers every probe. Default 1000. */
  cacheMs?: number;
  log: Logger;
}

export interface HealthServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * `/health` (alive: the process answers) and `/ready` (every check passes: 200, else 503, with
 * each check's outcome) for processes that serve no HTTP of their own, such as queue workers.
 * Plain node:http: two routes do not need a framework.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const ready = readinessOf({ checks: options.checks, timeoutMs: options.checkTimeoutMs, cacheMs: options.cacheMs });
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return reply(405, { error: 'method not allowed' });
    if (path === '/health') return reply(200, { status: 'ok', service: options.name });
    if (path !== '/ready') return reply(404, { error: 'not found' });
    ready().then(({ ready: ok, checks }) => {
      if (!ok) options.log.warn({ checks }, 'not ready');
      reply(ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', service: options.name, checks });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

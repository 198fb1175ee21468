import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';

/** One readiness check: resolves when the part is usable, rejects (with the reason) when not. */
export type HealthCheck = () => Promise<void>;

export interface HealthServerOptions {
  /** Reported as `service`, e.g. `catalog-worker`. */
  name: string;
  port: number;
  host?: string;
  /** Each must settle within `checkTimeoutMs`, or it counts as failed. */
  checks: Record<string, HealthCheck>;
  /** Default 2000. */
  checkTimeoutMs?: number;
  log: Logger;
}

export interface HealthServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function run(check: HealthCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), deadline]);
    return 'ok';
  } catch (error) {
    return (error as Error).message || 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health` (alive: the process answers) and `/ready` (every check passes: 200, else 503, with
 * each check's outcome) for processes that serve no HTTP of their own, such as queue workers.
 * Plain node:http: two routes do not need a framework.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return reply(405, { error: 'method not allowed' });
    if (path === '/health') return reply(200, { status: 'ok', service: options.name });
    if (path !== '/ready') return reply(404, { error: 'not found' });
    const names = Object.keys(options.checks);
    Promise.all(names.map((name) => run(options.checks[name], timeoutMs))).then((outcomes) => {
      const checks = Object.fromEntries(names.map((name, i) => [name, outcomes[i]]));
      const ready = outcomes.every((outcome) => outcome === 'ok');
      if (!ready) options.log.warn({ checks }, 'not ready');
      reply(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', service: options.name, checks });
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

import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';

/** How the gateway's HTTP client keeps connections to the subgraphs (GATEWAY_SUBGRAPH_*). */
export interface SubgraphHttpSettings {
  /** Keep-alive connections per subgraph origin, shared by every request and reload. Default 128. */
  connections: number;
  /** How long an idle connection is kept open, in ms. Default 10000. */
  keepAliveTimeoutMs: number;
  /** Longest wait for a response's headers, and between body chunks, in ms. Default: the subgraph timeout. */
  socketTimeoutMs: number;
}

/** A subgraph's answer as received: the status, its content type and the body text. */
export interface SubgraphReply {
  status: number;
  statusText: string;
  contentType: string;
  /** The `Cache-Control` header: the subgraph's cache policy for this response (read by the entity cache). */
  cacheControl: string;
  text: string;
}

interface Target {
  pool: Pool;
  path: string;
}

/**
 * One pooled keep-alive HTTP/1.1 client per subgraph origin for the gateway's lifetime, on
 * undici's Pool: no WHATWG Request/Response/stream objects per call (which global fetch builds
 * and which dominated the gateway's profile), the body read once as text. Data sources are
 * rebuilt at every supergraph reload; they all share these pools.
 */
export class SubgraphHttp {
  private readonly targets = new Map<string, Target>();
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly settings: SubgraphHttpSettings) {}

  async post(url: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<SubgraphReply> {
    const target = this.target(url);
    const response = await target.pool.request({ method: 'POST', path: target.path, headers, body, signal });
    const text = await response.body.text();
    const contentType = response.headers['content-type'];
    const cacheControl = response.headers['cache-control'];
    return {
      status: response.statusCode,
      statusText: STATUS_CODES[response.statusCode] ?? '',
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
      cacheControl: (Array.isArray(cacheControl) ? cacheControl[0] : cacheControl) ?? '',
      text,
    };
  }

  /** Closes every connection; requests in flight finish first. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
    this.targets.clear();
  }

  private target(url: string): Target {
    let target = this.targets.get(url);
    if (target) return target;
    const parsed = new URL(url);
    let pool = this.pools.get(parsed.origin);
    if (!pool) {
      pool = new Pool(parsed.origin, {
        connections: this.settings.connections,
        keepAliveTimeout: this.settings.keepAliveTimeoutMs,
        headersTimeout: this.settings.socketTimeoutMs,
        bodyTimeout: this.settings.socketTimeoutMs,
      });
      this.pools.set(parsed.origin, pool);
    }
    target = { pool, path: `${parsed.pathname}${parsed.search}` };
    this.targets.set(url, target);
    return target;
  }
}

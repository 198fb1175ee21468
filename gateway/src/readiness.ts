import { createHash } from 'node:crypto';
import type { Redis } from '@wavegraph/redis';
import type { BreakerReport } from './subgraph/breakers';

export interface ReadinessSources {
  jwksUrl: string;
  /** The supergraph served right now, once one is loaded. */
  supergraph(): { sdl: string; loadedAt: Date } | undefined;
  /** Whether the query planner of that supergraph is built (HTTP and subscriptions plan on it). */
  plannerBuilt(): boolean;
  breakers(): Record<string, BreakerReport>;
  redis: Redis;
  /** JWKS answers are reused this long, so a probe every few seconds does not hit identity each time. Default 5000. */
  jwksCacheMs?: number;
  jwksTimeoutMs?: number;
  /** A Redis PING answers every probe this long. Default 1000. */
  redisCacheMs?: number;
}

export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  service: 'gateway';
  supergraph: { loaded: false } | { loaded: true; hash: string; loadedAt: string };
  planner: { built: boolean };
  jwks: { reachable: boolean; keys?: number; reason?: string };
  /** Reported, never gating: an open breaker means partial answers for one subgraph, not none. */
  breakers: Record<string, BreakerReport>;
  /** Reported, never gating: without Redis rate limits are counted per replica. */
  redis: { reachable: boolean };
}

async function probeJwks(url: string, timeoutMs: number): Promise<ReadinessReport['jwks']> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { reachable: false, reason: `HTTP ${response.status}` };
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys) || body.keys.length === 0) return { reachable: false, reason: 'no keys' };
    return { reachable: true, keys: body.keys.length };
  } catch (error) {
    return { reachable: false, reason: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
  }
}

/**
 * The gateway's /ready: ready (200) only with a supergraph loaded, its planner built and
 * identity's JWKS answering with keys (without them no signed-in request can be verified);
 * otherwise 503. Breakers and Redis are shown as they are but do not make it unready: taking
 * the gateway out of rotation for one open breaker would turn partial answers into none.
 */
export function readiness(sources: ReadinessSources): () => Promise<ReadinessReport> {
  let cached: { at: number; value: Promise<ReadinessReport['jwks']> } | undefined;
  const jwks = () => {
    const now = Date.now();
    if (!cached || now - cached.at > (sources.jwksCacheMs ?? 5_000)) cached = { at: now, value: probeJwks(sources.jwksUrl, sources.jwksTimeoutMs ?? 2_000) };
    return cached.value;
  };
  let pinged: { at: number; value: Promise<boolean> } | undefined;
  const redisReachable = () => {
    const now = Date.now();
    if (!pinged || now - pinged.at >= (sources.redisCacheMs ?? 1_000)) pinged = { at: now, value: pingRedis(sources.redis) };
    return pinged.value;
  };
  // the gateway's own state (supergraph, planner, breakers) is read live; only what asks another process is cached
  return async (): Promise<ReadinessReport> => {
    const loaded = sources.supergraph();
    const supergraph: ReadinessReport['supergraph'] = loaded
      ? { loaded: true, hash: createHash('sha256').update(loaded.sdl).digest('hex').slice(0, 16), loadedAt: loaded.loadedAt.toISOString() }
      : { loaded: false };
    const planner = { built: sources.plannerBuilt() };
    const [keys, reachable] = await Promise.all([jwks(), redisReachable()]);
    const ready = supergraph.loaded && planner.built && keys.reachable;
    return {
      status: ready ? 'ready' : 'unavailable',
      service: 'gateway',
      supergraph,
      planner,
      jwks: keys,
      breakers: sources.breakers(),
      redis: { reachable },
    };
  };
}

/** A real PING, not just the connection's state: a half-open connection looks ready until a command times out. */
async function pingRedis(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([redis.ping().then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 500)))]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

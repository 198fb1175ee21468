/** Where a process serves /metrics; `undefined` when metrics are turned off. */
export interface MetricsListen {
  port: number;
  host: string;
}

/**
 * Added to a process's own port when `<NAME>_METRICS_PORT` is not set: gateway 4000 → 24000,
 * catalog-worker 4012 → 24012. Far from the service ports on purpose: stacks moved by a small
 * offset (benchmarks at +100…+1100, beside a dev stack) keep clear of each other's metrics.
 */
export const DEFAULT_METRICS_PORT_OFFSET = 20_000;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
}

/**
 * The metrics port of process `name` (e.g. `gateway`, `catalog`, `media-worker`):
 * `<NAME>_METRICS_PORT`, else its own port plus `METRICS_PORT_OFFSET` (20000). Bound to
 * `METRICS_HOST` (127.0.0.1 by default: a scraper beside it, or a host set on purpose).
 * `METRICS=off` serves none.
 */
export function metricsListenFromEnv(name: string, servicePort: number, env: NodeJS.ProcessEnv = process.env): MetricsListen | undefined {
  if ((env.METRICS ?? 'on').toLowerCase() === 'off') return undefined;
  const offset = intFrom(env, 'METRICS_PORT_OFFSET', DEFAULT_METRICS_PORT_OFFSET);
  const port = intFrom(env, `${name.toUpperCase().replace(/-/g, '_')}_METRICS_PORT`, servicePort === 0 ? 0 : servicePort + offset);
  return { port, host: env.METRICS_HOST || '127.0.0.1' };
}

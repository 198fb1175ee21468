import { Counter, type Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram';
import { LATENCY_BUCKETS } from './graphql';
import { metricOnce } from './registry';
import { ScrapedGauges } from './scraped';

/** What the gateway alone records: its calls to subgraphs, refusals before any plan runs, and live connections. */
export function gatewayMetrics(registry: Registry) {
  return {
    fetchDuration: metricOnce(registry, 'wavegraph_gateway_subgraph_fetch_duration_seconds', () => new FastHistogram({
      name: 'wavegraph_gateway_subgraph_fetch_duration_seconds',
      help: 'HTTP fetches from the gateway to a subgraph (each attempt), by subgraph',
      labelNames: ['subgraph'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    })),
    fetchErrors: metricOnce(registry, 'wavegraph_gateway_subgraph_fetch_errors_total', () => new Counter({
      name: 'wavegraph_gateway_subgraph_fetch_errors_total',
      help: 'Subgraph fetches that gave no usable answer, by subgraph and reason (timeout, unreachable, http_status, breaker_open)',
      labelNames: ['subgraph', 'reason'] as const,
      registers: [registry],
    })),
    idempotency: metricOnce(registry, 'wavegraph_gateway_idempotency_total', () => new Counter({
      name: 'wavegraph_gateway_idempotency_total',
      help: 'Mutations sent with an Idempotency-Key, by outcome (stored, replayed, released, in_use, reused, invalid, unavailable)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    })),
    rateLimited: metricOnce(registry, 'wavegraph_gateway_rate_limited_total', () => new Counter({
      name: 'wavegraph_gateway_rate_limited_total',
      help: 'Requests and subscriptions refused with RATE_LIMITED, by the limit that refused them',
      labelNames: ['limit'] as const,
      registers: [registry],
    })),
  };
}

/** Breaker state as a number, so a panel and an alert can compare it. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export function gatewayGauges(registry: Registry) {
  return ScrapedGauges.of(registry, 'gateway', {
    breaker: { name: 'wavegraph_gateway_breaker_state', help: 'Circuit breaker per subgraph: 0 closed, 1 half-open, 2 open', labelNames: ['subgraph'] },
    connections: { name: 'wavegraph_gateway_websocket_connections', help: 'Open graphql-ws connections', labelNames: [] },
    subscriptions: { name: 'wavegraph_gateway_subscriptions', help: 'Active subscriptions on this gateway', labelNames: [] },
    upstream: { name: 'wavegraph_gateway_upstream_subscriptions', help: 'Subscriptions held open on subgraphs (shared by identical subscribers)', labelNames: [] },
  });
}

import { BREAKER_STATE_VALUE, gatewayGauges, type Registry } from '@wavegraph/metrics';
import type { SubgraphBreakers } from '../subgraph/breakers';
import type { GatewaySubscriptions } from '../subscriptions/server';

/** What the gateway reports at each scrape: breaker states and live WebSocket work. Returns what stops it. */
export function watchGatewayState(registry: Registry, breakers: SubgraphBreakers, subscriptions: GatewaySubscriptions): () => void {
  return gatewayGauges(registry).watch(async () => {
    const stats = subscriptions.executor.stats();
    const states = Object.entries(breakers.report()).map(([subgraph, report]) => ({
      labels: { subgraph },
      // an isolated breaker refuses like an open one
      values: { breaker: report.state === 'isolated' ? BREAKER_STATE_VALUE.open : BREAKER_STATE_VALUE[report.state] },
    }));
    return [
      ...states,
      { labels: {}, values: { connections: subscriptions.connections(), subscriptions: stats.subscribers, upstream: stats.upstreamSubscriptions } },
    ];
  });
}

import type { Registry } from 'prom-client';
import { analyticsQueueGauges } from './analytics';
import { consumerGauges, eventCounters, outboxGauges, sagaGauges } from './events';
import { gatewayGauges, gatewayMetrics } from './gateway';
import { graphqlMetrics } from './graphql';
import { jobMetrics, queueGauges, reconcileMetrics } from './queues';
import { redisErrorMetrics } from './redis';
import { createRegistry } from './registry';

/** Registers every metric Wavegraph defines on a registry (what dashboards and alerts may name). */
export function registerEveryMetric(registry: Registry): void {
  graphqlMetrics(registry);
  gatewayMetrics(registry);
  gatewayGauges(registry);
  outboxGauges(registry);
  consumerGauges(registry);
  eventCounters(registry);
  sagaGauges(registry);
  queueGauges(registry);
  jobMetrics(registry);
  reconcileMetrics(registry);
  redisErrorMetrics(registry);
  analyticsQueueGauges(registry);
}

/** Every series name a Wavegraph process can expose, histogram and summary parts included. */
export async function everySeriesName(): Promise<Set<string>> {
  const registry = createRegistry('catalogue');
  registerEveryMetric(registry);
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const part of ['_bucket', '_sum', '_count']) names.add(metric.name + part);
    if (String(metric.type) === 'summary') for (const part of ['_sum', '_count']) names.add(metric.name + part);
  }
  return names;
}

import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import { redisErrorMetrics } from './redis';

let processMetrics: Metric[] | undefined;

/**
 * Node's own metrics (event-loop lag, heap, GC, CPU) from prom-client's default collectors,
 * made once per process: each collector starts an event-loop monitor and a GC observer that
 * cannot be stopped, so a process starting many components (a test run) must not start one each.
 */
function nodeMetrics(): Metric[] {
  if (!processMetrics) {
    const shared = new Registry();
    collectDefaultMetrics({ register: shared, eventLoopMonitoringPrecision: 20 });
    // the metric objects themselves (typed as their JSON form), to register on every component registry
    processMetrics = shared.getMetricsAsArray() as unknown as Metric[];
  }
  return processMetrics;
}

/**
 * One registry per running component, labelled with its service name. Per component rather
 * than prom-client's global one: tests run a whole supergraph in one process, and each part
 * must show only its own series. Each also shows the process's Node metrics, under its label.
 */
export function createRegistry(service: string, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics ?? true) {
    for (const metric of nodeMetrics()) registry.registerMetric(metric);
    // the process's Redis connection errors, as the connection factory counts them
    redisErrorMetrics(registry);
  }
  return registry;
}

/**
 * The metric of that name on this registry, made on first use: every part of a process asks
 * for the metrics it records without having to know which other part registered them first.
 */
export function metricOnce<M extends Metric | { name: string }>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

/** Settles within `ms` or rejects: a scrape never waits on a dependency that is away. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

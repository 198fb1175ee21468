import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

/**
 * One registry per running component, labelled with its service name. Per component rather
 * than prom-client's global one: tests run a whole supergraph in one process, and each part
 * must show only its own series. Node's own metrics (event-loop lag, heap, GC, CPU) come
 * from prom-client's default collectors.
 */
export function createRegistry(service: string, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
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

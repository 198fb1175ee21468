import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { BoundedChildren } from './bounded-labels';
import { metricsListenFromEnv } from './config';
import { graphqlMetricsPlugin } from './graphql';
import { instrumentQueue } from './queues';
import { createRegistry } from './registry';
import { ScrapedGauges } from './scraped';
import { startMetricsServer } from './server';
import type { Registry } from 'prom-client';

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // a histogram's parts are samples of the histogram, named by metricName
  const samples = (await registry.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => ({ ...v, series: (v as { metricName?: string }).metricName ?? m.name })));
  const sample = samples.find((v) => v.series === name && Object.entries(labels).every(([key, wanted]) => String(v.labels[key]) === wanted));
  return sample?.value;
}

describe('GraphQL request metrics', () => {
  const typeDefs = 'type Query { ok: Boolean, fails: Boolean, forbidden: Boolean }';
  const resolvers = {
    Query: {
      ok: () => true,
      fails: () => {
        throw new GraphQLError('nope', { extensions: { code: 'BAD_USER_INPUT' } });
      },
      forbidden: () => {
        throw new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } });
      },
    },
  };

  it('counts requests and latency per operation name and errors per extensions.code', async () => {
    const registry = createRegistry('spec', { processMetrics: false });
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [graphqlMetricsPlugin(registry)] });
    await server.start();
    try {
      await server.executeOperation({ query: 'query Good { ok }' });
      await server.executeOperation({ query: 'query Good { ok }' });
      await server.executeOperation({ query: 'query Bad { fails forbidden }' });
      await server.executeOperation({ query: '{ fails }' });
      await server.executeOperation({ query: 'query Broken { nosuchfield }' });
    } finally {
      await server.stop();
    }
    expect(await value(registry, 'wavegraph_graphql_request_duration_seconds_count', { operation: 'Good' })).toBe(2);
    expect(await value(registry, 'wavegraph_graphql_request_duration_seconds_count', { operation: 'Bad' })).toBe(1);
    expect(await value(registry, 'wavegraph_graphql_errors_total', { operation: 'Good' })).toBeUndefined();
    expect(await value(registry, 'wavegraph_graphql_errors_total', { operation: 'Bad', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(await value(registry, 'wavegraph_graphql_errors_total', { operation: 'Bad', code: 'FORBIDDEN' })).toBe(1);
    expect(await value(registry, 'wavegraph_graphql_errors_total', { operation: '(anonymous)', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(await value(registry, 'wavegraph_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    const sum = await value(registry, 'wavegraph_graphql_request_duration_seconds_sum', { operation: 'Good' });
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(5);
  });

  it('keeps at most its cap of operation names as series; later names share (other)', () => {
    const made: string[] = [];
    const children = new BoundedChildren((value) => {
      made.push(value);
      return { value };
    }, 2);
    expect(children.get('A')).toBe(children.get('A'));
    children.get('B');
    expect(children.get('C').value).toBe('(other)');
    expect(children.get('D')).toBe(children.get('C'));
    expect(made).toEqual(['A', 'B', '(other)']);
  });
});

describe('scrape-time gauges', () => {
  it('reads every source once per scrape, and drops the series of one that fails or hangs', async () => {
    const registry = createRegistry('spec', { processMetrics: false });
    const gauges = ScrapedGauges.of(registry, 'spec', {
      depth: { name: 'spec_depth', help: 'h', labelNames: ['queue'] },
      age: { name: 'spec_age', help: 'h', labelNames: ['queue'] },
    }, 100);
    let reads = 0;
    let healthy = true;
    gauges.watch(async () => {
      reads += 1;
      return [{ labels: { queue: 'a' }, values: { depth: 3, age: 7 } }];
    });
    const stop = gauges.watch(async () => {
      if (!healthy) return new Promise(() => undefined);
      return [{ labels: { queue: 'b' }, values: { depth: 1 } }];
    });
    gauges.watch(async () => {
      throw new Error('Redis is away');
    });
    let text = await registry.metrics();
    expect(text).toContain('spec_depth{queue="a",service="spec"} 3');
    expect(text).toContain('spec_age{queue="a",service="spec"} 7');
    expect(text).toContain('spec_depth{queue="b",service="spec"} 1');
    expect(reads).toBe(1);
    healthy = false;
    await new Promise((resolve) => setTimeout(resolve, 550));
    const started = Date.now();
    text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).not.toContain('queue="b"');
    expect(text).toContain('spec_depth{queue="a",service="spec"} 3');
    stop();
    expect(ScrapedGauges.of(registry, 'spec', {} as never)).toBe(gauges);
  });

  it('records BullMQ job durations per step and failed attempts, and reports job counts per state', async () => {
    const registry = createRegistry('spec', { processMetrics: false });
    const listeners: Record<string, (job: unknown) => void> = {};
    const worker = { on: (event: string, listener: (job: unknown) => void) => (listeners[event] = listener) };
    instrumentQueue(registry, 'q', worker as never, async () => ({ waiting: 4, active: 1, failed: 2 }));
    listeners.completed({ name: 'probe', processedOn: 1_000, finishedOn: 3_500 });
    listeners.failed({ name: 'loudness', processedOn: 1_000, finishedOn: 1_200 });
    listeners.failed(undefined);
    expect(await value(registry, 'wavegraph_job_duration_seconds_sum', { queue: 'q', step: 'probe', outcome: 'completed' })).toBe(2.5);
    expect(await value(registry, 'wavegraph_jobs_failed_total', { queue: 'q', step: 'loudness' })).toBe(1);
    expect(await value(registry, 'wavegraph_queue_jobs', { queue: 'q', state: 'waiting' })).toBe(4);
    expect(await value(registry, 'wavegraph_queue_jobs', { queue: 'q', state: 'failed' })).toBe(2);
    expect(await value(registry, 'wavegraph_queue_jobs', { queue: 'q', state: 'delayed' })).toBe(0);
  });
});

describe('metrics endpoint', () => {
  it('serves the registry on GET /metrics only, with Node process metrics and the service label', async () => {
    const registry = createRegistry('spec-service');
    const server = await startMetricsServer(registry, 0);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_seconds_total']) {
        expect(text).toContain(`${name}{service="spec-service"}`);
      }
      expect(text).toContain('nodejs_gc_duration_seconds');
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('takes its port from <NAME>_METRICS_PORT, else the service port plus METRICS_PORT_OFFSET, on 127.0.0.1 unless told', () => {
    expect(metricsListenFromEnv('gateway', 4000, {})).toEqual({ port: 24000, host: '127.0.0.1' });
    expect(metricsListenFromEnv('media-worker', 4015, { MEDIA_WORKER_METRICS_PORT: '9115' })).toEqual({ port: 9115, host: '127.0.0.1' });
    expect(metricsListenFromEnv('catalog', 4002, { METRICS_PORT_OFFSET: '5000', METRICS_HOST: '0.0.0.0' })).toEqual({ port: 9002, host: '0.0.0.0' });
    expect(metricsListenFromEnv('catalog', 4002, { METRICS: 'off' })).toBeUndefined();
    expect(() => metricsListenFromEnv('catalog', 4002, { CATALOG_METRICS_PORT: 'x' })).toThrow('CATALOG_METRICS_PORT');
  });
});

import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { connectRedis } from '@wavegraph/kit';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { postGraphQL } from './support/graphql';
import { has, metricsEndpoints, total, type Sample } from './support/scrape';
import { NO_RATE_LIMITS, startTestSupergraph, type TestSupergraph } from './support/supergraph';

/*
 * Every process's /metrics, scraped over HTTP before and after real traffic through the gateway:
 * the series the dashboards and alerts read must exist on the process that owns them, and move
 * when that process does the work they count.
 */
type Name = keyof TestSupergraph['metrics'];
const PROCESSES: Name[] = ['gateway', 'identity', 'catalog', 'engagement', 'discovery', 'media', 'notifications', 'ingest', 'analytics', 'billing', 'catalog-worker', 'media-worker', 'ingest-worker'];

describe('metrics of every process move with traffic', () => {
  let supergraph: TestSupergraph;
  let endpoints: Awaited<ReturnType<typeof metricsEndpoints<Name>>>;
  let before: Record<Name, Sample[]>;
  beforeAll(async () => {
    // one registration per address an hour, so the second is refused and counted
    supergraph = await startTestSupergraph({ rateLimits: { ...NO_RATE_LIMITS, registerPerIpPerHour: 1 } });
    endpoints = await metricsEndpoints(supergraph.metrics);
    before = await endpoints.scrape();
  }, 120_000);
  afterAll(async () => {
    await endpoints?.close();
    await supergraph?.stop();
  });

  it('serves Node process metrics (event-loop lag, heap, GC) labelled with its name on every process', () => {
    expect(Object.keys(before).sort()).toEqual([...PROCESSES].sort());
    for (const name of PROCESSES) {
      for (const metric of ['nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_seconds_total']) {
        expect({ name, metric, present: has(before[name], metric, { service: name }) }).toEqual({ name, metric, present: true });
      }
    }
  });

  it('counts requests, errors, fetches, refusals, events, jobs and live subscriptions where they happen', async () => {
    const { register } = await supergraph.client().Register({ input: { email: 'ada@example.com', handle: 'ada', displayName: 'Ada', password: 'ada has a long password' } });
    const ada = supergraph.client(register.accessToken);
    const refused = await postGraphQL(supergraph.url, 'mutation { register(input: {email: "bob@example.com", handle: "bob", displayName: "Bob", password: "bob has a long password"}) { accessToken } }');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const invalid = await postGraphQL(supergraph.url, 'query Broken { noSuchField }');
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const { createShow } = await ada.CreateShow({ input: { slug: `metrics-${randomUUID().slice(0, 8)}`, title: 'Counting', category: 'SCIENCE', language: 'en' } });
    const { createEpisode } = await ada.CreateEpisode({ input: { showId: createShow.id, title: 'Pilot' } });
    await ada.PublishEpisode({ id: createEpisode.id });
    // engagement hears of the publication through catalog's outbox, relay and stream
    await eventually(() => ada.LikeEpisode({ episodeId: createEpisode.id }), 15_000, 100);
    await ada.Search({ query: 'pilot' });
    await ada.MyNotifications({ first: 5 });
    await ada.MyUploadQuota();
    // a scheduled publication runs as a catalog-worker job
    const { createEpisode: later } = await ada.CreateEpisode({ input: { showId: createShow.id, title: 'Later' } });
    await ada.ScheduleEpisode({ id: later.id, publishAt: new Date(Date.now() + 500).toISOString() });
    // a job the media processor cannot run (a step it does not know) fails, and is counted as such
    const connection = connectRedis(TEST_REDIS_URL, 'command', { name: 'e2e:metrics-queue' });
    const queue = new Queue('media-processing', { connection, prefix: supergraph.redisPrefix });
    await queue.add('no-such-step', {}, { jobId: `metrics-${randomUUID()}`, attempts: 1 });

    // a live subscription, held open over the scrape
    const ws = createClient({ url: supergraph.url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${register.accessToken}` } });
    const events: unknown[] = [];
    const unsubscribe = ws.subscribe({ query: `subscription { commentAdded(episodeId: "${createEpisode.id}") { body } }` }, { next: (e) => events.push(e), error: () => undefined, complete: () => undefined });
    try {
      const after = await eventually(async () => {
        const scraped = await endpoints.scrape();
        // what is still awaited, named in the failure when it never comes
        const waiting = {
          subscription: total(scraped.gateway, 'wavegraph_gateway_subscriptions') < 1,
          publishJob: total(scraped['catalog-worker'], 'wavegraph_job_duration_seconds_count', { queue: 'catalog-publish' }) <= total(before['catalog-worker'], 'wavegraph_job_duration_seconds_count', { queue: 'catalog-publish' }),
          failedMediaJob: total(scraped['media-worker'], 'wavegraph_jobs_failed_total', { queue: 'media-processing' }) === 0,
          discoveryApplied: total(scraped.discovery, 'wavegraph_events_handled_total', { group: 'discovery', outcome: 'applied' }) === 0,
        };
        if (Object.values(waiting).some(Boolean)) throw new Error(`still waiting for ${JSON.stringify(waiting)}`);
        return scraped;
      }, 30_000, 250);
      const moved = (name: Name, metric: string, labels: Record<string, string> = {}) => total(after[name], metric, labels) - total(before[name], metric, labels);

      // the gateway: requests and errors by operation and code, subgraph fetches, breakers, refusals, WebSockets
      expect(moved('gateway', 'wavegraph_graphql_request_duration_seconds_count', { operation: 'Register' })).toBe(1);
      expect(moved('gateway', 'wavegraph_graphql_request_duration_seconds_count', { operation: 'CreateShow' })).toBe(1);
      expect(moved('gateway', 'wavegraph_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
      expect(moved('gateway', 'wavegraph_gateway_rate_limited_total', { limit: 'register:ip' })).toBe(1);
      for (const subgraph of ['identity', 'catalog', 'engagement', 'discovery', 'media', 'notifications']) {
        expect({ subgraph, fetches: moved('gateway', 'wavegraph_gateway_subgraph_fetch_duration_seconds_count', { subgraph }) > 0 }).toEqual({ subgraph, fetches: true });
        expect({ subgraph, breaker: total(after.gateway, 'wavegraph_gateway_breaker_state', { subgraph }), present: has(after.gateway, 'wavegraph_gateway_breaker_state', { subgraph }) }).toEqual({ subgraph, breaker: 0, present: true });
      }
      expect(total(after.gateway, 'wavegraph_gateway_websocket_connections')).toBeGreaterThanOrEqual(1);
      expect(total(after.gateway, 'wavegraph_gateway_upstream_subscriptions')).toBeGreaterThanOrEqual(1);

      // each subgraph: the requests the gateway sent it
      expect(moved('identity', 'wavegraph_graphql_request_duration_seconds_count')).toBeGreaterThan(0);
      // named by the operation the gateway sends it (the client's name, the subgraph and the fetch's index)
      expect(after.catalog.find((s) => s.name === 'wavegraph_graphql_request_duration_seconds_count' && s.labels.operation?.startsWith('CreateShow'))?.value).toBe(1);
      for (const name of ['engagement', 'discovery', 'media', 'notifications'] as const) {
        expect({ name, requests: moved(name, 'wavegraph_graphql_request_duration_seconds_count') > 0 }).toEqual({ name, requests: true });
      }

      // events: catalog's outbox relayed (and nothing left behind), consumers applied, lag and dead letters reported
      expect(moved('catalog', 'wavegraph_events_relayed_total', { context: 'catalog' })).toBeGreaterThanOrEqual(3);
      expect(moved('identity', 'wavegraph_events_relayed_total', { context: 'identity' })).toBeGreaterThanOrEqual(1);
      expect(has(after.catalog, 'wavegraph_outbox_backlog', { context: 'catalog' })).toBe(true);
      expect(has(after.catalog, 'wavegraph_outbox_oldest_unsent_age_seconds', { context: 'catalog' })).toBe(true);
      expect(moved('engagement', 'wavegraph_events_handled_total', { group: 'engagement', outcome: 'applied' })).toBeGreaterThan(0);
      for (const group of ['engagement', 'discovery', 'notifications', 'analytics']) {
        const owner = after[group as Name];
        expect({ group, lag: has(owner, 'wavegraph_consumer_lag', { group, stream: `${supergraph.redisPrefix}:events:catalog` }) }).toEqual({ group, lag: true });
        expect({ group, pending: has(owner, 'wavegraph_consumer_pending', { group }) }).toEqual({ group, pending: true });
        expect({ group, dead: total(owner, 'wavegraph_dead_letters', { group }), present: has(owner, 'wavegraph_dead_letters', { group }) }).toEqual({ group, dead: 0, present: true });
      }
      // analytics reports its queue to ClickHouse (analytics_pending)
      expect(has(after.analytics, 'wavegraph_analytics_pending_rows')).toBe(true);
      expect(has(after.analytics, 'wavegraph_analytics_pending_oldest_age_seconds')).toBe(true);

      // workers: job durations per step, failed attempts, queue counts
      expect(moved('catalog-worker', 'wavegraph_job_duration_seconds_count', { queue: 'catalog-publish', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
      expect(has(after['catalog-worker'], 'wavegraph_queue_jobs', { queue: 'catalog-publish', state: 'waiting' })).toBe(true);
      expect(moved('media-worker', 'wavegraph_jobs_failed_total', { queue: 'media-processing', step: 'no-such-step' })).toBe(1);
      expect(has(after['media-worker'], 'wavegraph_queue_jobs', { queue: 'media-processing', state: 'failed' })).toBe(true);
      // nothing was lost from Redis: reconciliation's series exist, at 0
      expect(total(after['catalog-worker'], 'wavegraph_reconciled_jobs_total', { queue: 'catalog-publish' })).toBe(0);
      expect(has(after['catalog-worker'], 'wavegraph_reconciled_jobs_total', { queue: 'catalog-publish', kind: 'published' })).toBe(true);
      expect(has(after['media-worker'], 'wavegraph_reconciled_jobs_total', { queue: 'media-processing', kind: 'requeued' })).toBe(true);
    } finally {
      unsubscribe();
      await ws.dispose();
      await queue.close();
      await connection.quit();
    }
  }, 90_000);
});

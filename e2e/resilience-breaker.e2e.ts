import { engagementModule } from '@wavegraph/engagement';
import { configFromEnv, startGateway } from '@wavegraph/gateway';
import { startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import { eventually, signOperation, subscribeToSubgraph, TEST_GATEWAY_SECRET, TEST_REDIS_URL } from '@wavegraph/testkit';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const THRESHOLD = 3;
// long enough that restarting a subgraph on a busy machine still ends inside the cool-down
const HALF_OPEN_MS = 4_000;
const EPISODES = '{ episodes(first: 5) { edges { node { title likeCount } } } }';

interface ReadyReport {
  status: string;
  supergraph: { loaded: boolean; hash?: string };
  planner: { built: boolean };
  jwks: { reachable: boolean };
  breakers: Record<string, { state: string }>;
  redis: { reachable: boolean };
}

async function ready(origin: string): Promise<{ status: number; body: ReadyReport }> {
  const response = await fetch(`${origin}/ready`);
  return { status: response.status, body: (await response.json()) as ReadyReport };
}

describe('per-subgraph breakers and retries', () => {
  let supergraph: TestSupergraph;
  let engagementProxy: FaultProxy;
  let catalogProxy: FaultProxy;
  let restarted: RunningSubgraph<unknown> | undefined;
  let owner: ReturnType<TestSupergraph['client']>;
  let ownerToken: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph(
      { resilience: { breakerThreshold: THRESHOLD, breakerHalfOpenMs: HALF_OPEN_MS, retryAttempts: 2, retryBaseDelayMs: 20, retryMaxDelayMs: 100 } },
      TEST_REDIS_URL,
      {
        front: {
          engagement: async (url) => (engagementProxy = await startFaultProxy(url)).url,
          catalog: async (url) => (catalogProxy = await startFaultProxy(url)).url,
        },
      },
    );
    const { register } = await supergraph.client().Register({
      input: { email: 'breaker@example.com', handle: 'breaker', displayName: 'Breaker', password: 'breaker pass 1' },
    });
    ownerToken = register.accessToken;
    owner = supergraph.client(ownerToken);
    const { createShow } = await owner.CreateShow({ input: { slug: 'fuses', title: 'Fuses', category: 'NEWS', language: 'en' } });
    const { createEpisode } = await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Tripped' } });
    await owner.PublishEpisode({ id: createEpisode.id });
    // engagement learns of the publication from catalog's events
    await eventually(async () => {
      const res = await postGraphQL(supergraph.url, EPISODES);
      return JSON.stringify(res.body.data) === JSON.stringify({ episodes: { edges: [{ node: { title: 'Tripped', likeCount: 0 } }] } });
    }, 15_000);
  });
  afterAll(async () => {
    await restarted?.stop();
    await supergraph?.stop();
    await engagementProxy?.stop();
    await catalogProxy?.stop();
  });

  it('reports every part as ready, breakers closed', async () => {
    const { status, body } = await ready(supergraph.origin);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ready',
      supergraph: { loaded: true, hash: expect.stringMatching(/^[0-9a-f]{16}$/) },
      planner: { built: true },
      jwks: { reachable: true },
      redis: { reachable: true },
    });
    expect(body.breakers.engagement).toEqual({ state: 'closed' });
    expect(body.breakers.catalog).toEqual({ state: 'closed' });
  });

  it('retries a query that fails once transiently, and the client sees only the answer', async () => {
    const before = catalogProxy.requests;
    catalogProxy.failNext('unavailable');
    const res = await postGraphQL(supergraph.url, '{ episodes(first: 5) { edges { node { title } } } }');
    expect(res.body).toEqual({ data: { episodes: { edges: [{ node: { title: 'Tripped' } }] } } });
    expect(catalogProxy.requests - before).toBe(2);
  });

  it('never retries a mutation, even when the subgraph ran it and its answer was lost', async () => {
    const showsBefore = await supergraph.catalog.db.dataSource.query('SELECT count(*)::int AS n FROM shows');
    const before = catalogProxy.requests;
    // were it retried, the second attempt would go through and count, and create a second show
    catalogProxy.failNext('lose-answer');
    const res = await postGraphQL(
      supergraph.url,
      'mutation { createShow(input: { slug: "once-only", title: "Once", category: NEWS, language: "en" }) { id } }',
      { token: ownerToken },
    );
    expect(catalogProxy.requests - before).toBe(1);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([expect.objectContaining({ path: ['createShow'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE' }) })]);
    const showsAfter = await supergraph.catalog.db.dataSource.query('SELECT count(*)::int AS n FROM shows');
    // it ran exactly once: one row more, not one per attempt
    expect(showsAfter[0].n - showsBefore[0].n).toBe(1);
  });

  it('refuses a signed request captured on its way to a subgraph when it is sent again (401, no data)', async () => {
    await postGraphQL(supergraph.url, '{ episodes(first: 5) { edges { node { title } } } }');
    const captured = catalogProxy.last;
    expect(captured?.headers['x-wavegraph-nonce']).toBeTruthy();
    const replay = await fetch(supergraph.catalog.url, { method: 'POST', headers: captured?.headers, body: captured?.body });
    expect(replay.status).toBe(401);
    const body = (await replay.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toEqual({ message: 'Requests must come through the gateway (replayed gateway signature)', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a captured signed subscribe message reused directly on a subgraph for another operation', async () => {
    const viewer = { id: '00000000-0000-4000-8000-000000000001', role: 'USER' as const, plan: 'FREE' as const };
    const captured = signOperation('subscription { notificationAdded { kind } }', {}, viewer);
    const reused = subscribeToSubgraph(supergraph.notifications.url, 'subscription { notificationAdded { kind message } }', {}, viewer, { operationEnvelope: captured });
    expect(await reused.ended).toEqual({
      completed: false,
      errors: [expect.objectContaining({ message: 'Subscriptions must come through the gateway (invalid gateway signature)', extensions: { code: 'UNAUTHENTICATED' } })],
    });
    expect(reused.results).toEqual([]);
  });

  describe('a subgraph that stops', () => {
    let port: number;
    beforeAll(async () => {
      port = supergraph.engagement.port;
      await supergraph.stopSubgraph('engagement');
    });

    it('opens its breaker after the threshold of failed attempts', async () => {
      const before = engagementProxy.requests;
      const res = await postGraphQL(supergraph.url, EPISODES);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ episodes: { edges: [{ node: { title: 'Tripped', likeCount: null } }] } });
      // one query: the first attempt and its two retries, each counted by the breaker
      expect(engagementProxy.requests - before).toBe(THRESHOLD);
      const { status, body } = await ready(supergraph.origin);
      expect(status).toBe(200);
      expect(body.status).toBe('ready');
      expect(body.breakers.engagement.state).toBe('open');
      expect(body.breakers.catalog.state).toBe('closed');
    });

    it('then fails fast with located errors and partial data, without connecting to it', async () => {
      const [requests, connections] = [engagementProxy.requests, engagementProxy.connections];
      for (let i = 0; i < 3; i += 1) {
        const started = Date.now();
        const res = await postGraphQL(supergraph.url, EPISODES);
        expect(Date.now() - started).toBeLessThan(500);
        expect(res.body.data).toEqual({ episodes: { edges: [{ node: { title: 'Tripped', likeCount: null } }] } });
        expect(res.body.errors).toEqual([
          {
            message: 'The engagement service is unavailable',
            path: ['episodes', 'edges', 0, 'node', 'likeCount'],
            extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'engagement' },
          },
        ]);
      }
      expect(engagementProxy.requests).toBe(requests);
      expect(engagementProxy.connections).toBe(connections);
    });

    it('closes again through a half-open probe once the subgraph is back on the same port', async () => {
      restarted = await startSubgraph(engagementModule, {
        port,
        databaseUrl: supergraph.database('engagement').url,
        redisUrl: TEST_REDIS_URL,
        redisPrefix: supergraph.redisPrefix,
        gatewaySecret: TEST_GATEWAY_SECRET,
      });
      // still open until the cool-down has passed
      expect((await postGraphQL(supergraph.url, EPISODES)).body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_MS + 100));
      const before = engagementProxy.requests;
      const res = await postGraphQL(supergraph.url, EPISODES);
      expect(res.body).toEqual({ data: { episodes: { edges: [{ node: { title: 'Tripped', likeCount: 0 } }] } } });
      expect(engagementProxy.requests - before).toBe(1);
      expect((await ready(supergraph.origin)).body.breakers.engagement.state).toBe('closed');
    });
  });

  it('is not ready (503) while the JWKS cannot be fetched, and says so', async () => {
    const other = await startGateway({ ...supergraph.gatewayConfig, jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json' });
    try {
      const { status, body } = await ready(`http://127.0.0.1:${other.port}`);
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'unavailable', supergraph: { loaded: true }, planner: { built: true }, jwks: { reachable: false } });
      const health = await fetch(`http://127.0.0.1:${other.port}/health`);
      expect(health.status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it('reads its settings from the environment with documented defaults', () => {
    expect(configFromEnv().resilience).toEqual({ breakerThreshold: 5, breakerHalfOpenMs: 10_000, retryAttempts: 2, retryBaseDelayMs: 50, retryMaxDelayMs: 500 });
  });
});

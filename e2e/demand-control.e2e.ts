import { startGateway, type RunningGateway } from '@wavegraph/gateway';
import { grantRole } from '@wavegraph/identity';
import { subscribeOverWebSocket } from '@wavegraph/testkit';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy';
import { postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const EPISODE = '00000000-0000-4000-8000-000000000000';

/** The probe: 1.8 KB, within the depth and alias limits, aliases inside a fragment spread five times. */
const PROBE = `query Probe {
  ${Array.from({ length: 5 }, (_, i) => `e${i}: episodes(first: 100) { edges { node { ...Talk } } }`).join('\n  ')}
}
fragment Talk on Episode {
  ${Array.from({ length: 5 }, (_, i) => `c${i}: comments(first: 100) { edges { node { id body author { handle } } } }`).join('\n  ')}
}`;

/** Costs 1 + 100 × (3 + 40 × 2) = 8301: over FREE's 3000, within PREMIUM's 10000. */
const BETWEEN = '{ episodes(first: 100) { edges { node { comments(first: 40) { edges { node { id } } } } } } }';

describe('demand control at the gateway', () => {
  let supergraph: TestSupergraph;
  let counted: RunningGateway;
  const proxies: CountingProxy[] = [];
  const calls = () => proxies.reduce((sum, proxy) => sum + proxy.requests, 0);

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    // a second gateway reaching catalog and engagement through counters: did any subgraph get called?
    const { subgraphUrls } = supergraph.gatewayConfig;
    for (const name of ['catalog', 'engagement'] as const) proxies.push(await startCountingProxy(subgraphUrls[name]));
    counted = await startGateway({ ...supergraph.gatewayConfig, port: 0, subgraphUrls: { ...subgraphUrls, catalog: proxies[0].url, engagement: proxies[1].url } });
  });
  afterAll(async () => {
    await counted?.stop();
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await supergraph?.stop();
  });

  it('refuses the fragment-spread probe with its cost, before any subgraph is called', async () => {
    expect(PROBE.length).toBeLessThan(2000);
    const before = calls();
    const res = await postGraphQL(counted.url, PROBE);
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    // 5 × (1 + 100 × (2 + 5 × (1 + 100 × (2 + 1))))
    expect(res.body.errors?.[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 5 * (1 + 100 * (2 + 5 * (1 + 100 * 3))), budget: 2500 });
    expect(calls()).toBe(before);
    // the same gateway does call the subgraphs for an operation within budget
    const fine = await postGraphQL(counted.url, '{ episodes(first: 5) { edges { node { title comments(first: 5) { edges { node { id } } } } } } }');
    expect(fine.body).toEqual({ data: { episodes: { edges: [] } } });
    expect(calls()).toBeGreaterThan(before);
  });

  it('prices variables as given: a large first through a variable is refused, a small one runs', async () => {
    const query = 'query($n: Int) { episodes(first: $n) { edges { node { comments(first: $n) { edges { node { id } } } } } } }';
    const refused = await postGraphQL(supergraph.url, query, { variables: { n: 100 } });
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 1 + 100 * (3 + 100 * 2) });
    expect((await postGraphQL(supergraph.url, query, { variables: { n: 10 } })).body).toEqual({ data: { episodes: { edges: [] } } });
  });

  it('refuses a page above the maximum page size in the subgraph with BAD_USER_INPUT', async () => {
    const res = await postGraphQL(supergraph.url, '{ episodes(first: 101) { edges { node { id } } } }');
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
  });

  it('gives PREMIUM a larger budget than FREE, and staff more still', async () => {
    const anonymous = supergraph.client();
    const { register: free } = await anonymous.Register({ input: { email: 'free@example.com', handle: 'free', displayName: 'Free', password: 'free plan password' } });
    const freeRes = await postGraphQL(supergraph.url, BETWEEN, { token: free.accessToken });
    expect(freeRes.body.data ?? null).toBeNull();
    expect(freeRes.body.errors?.[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 8301, budget: 3000 });

    await anonymous.Register({ input: { email: 'boss@example.com', handle: 'boss', displayName: 'Boss', password: 'boss has a password' } });
    await grantRole(supergraph.identity.services.users, 'boss@example.com', 'ADMIN');
    const boss = await anonymous.Login({ input: { email: 'boss@example.com', password: 'boss has a password' } });
    await supergraph.client(boss.login.accessToken).SetUserPlan({ userId: free.user.id, plan: 'PREMIUM' });
    const premium = await anonymous.RefreshSession({ refreshToken: free.refreshToken });
    expect(premium.refreshSession.user.plan).toBe('PREMIUM');
    const premiumRes = await postGraphQL(supergraph.url, BETWEEN, { token: premium.refreshSession.accessToken });
    expect(premiumRes.body).toEqual({ data: { episodes: { edges: [] } } });
    // the probe is beyond PREMIUM too, but within an admin's budget
    expect((await postGraphQL(supergraph.url, PROBE, { token: premium.refreshSession.accessToken })).body.errors?.[0].extensions).toMatchObject({ budget: 10000 });
    expect((await postGraphQL(supergraph.url, BETWEEN, { token: boss.login.accessToken })).body.errors).toBeUndefined();
  });

  it('refuses depth, aliases and directives counted through fragments as spread, and too many tokens, with QUERY_TOO_COMPLEX', async () => {
    // 14 aliases written, 44 executed
    const aliases = `{ a: me { ...A } b: me { ...A } c: me { ...A } d: me { ...A } } fragment A on User { ${Array.from({ length: 10 }, (_, i) => `x${i}: id`).join(' ')} }`;
    const deep = `{ shows(first: 1) { edges { node { ...D } } } } fragment D on Show { ${'owner { shows(first: 1) { edges { node { '.repeat(4)}id${' } } } }'.repeat(4)} }`;
    const directives = `{ ...T ...T } fragment T on Query { ${Array.from({ length: 30 }, () => '__typename @include(if: true)').join(' ')} }`;
    const tokens = `{ ${'__typename '.repeat(6000)} }`;
    for (const [query, message] of [[aliases, /Aliases limit of 30 exceeded, found 44/], [deep, /depth limit of 12 exceeded/], [directives, /Directives limit of 50 exceeded, found 60/], [tokens, /tokens/]] as const) {
      const res = await postGraphQL(supergraph.url, query);
      expect(res.status).toBe(400);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    }
  });

  it('applies the same limits and budget to subscriptions over WebSocket', async () => {
    const costly = subscribeOverWebSocket(supergraph.url, `subscription($e: ID!) { commentAdded(episodeId: $e) { episode { show { episodes(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } } } } }`, { e: EPISODE });
    expect((await costly.ended).errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 10 + 1 + 1 + 1 + 100 * (3 + 100 * 2), budget: 2500 });
    const aliased = subscribeOverWebSocket(supergraph.url, `subscription($e: ID!) { commentAdded(episodeId: $e) { ...C } } fragment C on Comment { ${Array.from({ length: 31 }, (_, i) => `b${i}: body`).join(' ')} }`, { e: EPISODE });
    expect((await aliased.ended).errors?.[0]).toMatchObject({ message: expect.stringMatching(/Aliases limit/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    await Promise.all([costly.close(), aliased.close()]);
  });

  it('suggests field names in development only', async () => {
    const typo = '{ episodes(first: 1) { edges { node { titel } } } }';
    const wsTypo = 'subscription($e: ID!) { commentAdded(episodeId: $e) { bodi } }';
    const development = await postGraphQL(supergraph.url, typo);
    expect(development.body.errors?.[0].message).toMatch(/Did you mean "title"\?/);
    const devSub = subscribeOverWebSocket(supergraph.url, wsTypo, { e: EPISODE });
    expect((await devSub.ended).errors?.[0]?.message).toMatch(/Did you mean "body"\?/);
    await devSub.close();

    const production = await startGateway({ ...supergraph.gatewayConfig, port: 0, production: true, corsOrigins: [] });
    try {
      const res = await postGraphQL(production.url, typo);
      expect(res.body.errors?.[0]).toMatchObject({ message: 'Cannot query field "titel" on type "Episode".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      const sub = subscribeOverWebSocket(production.url, wsTypo, { e: EPISODE });
      const ended = await sub.ended;
      expect(ended.errors?.[0]).toMatchObject({ message: 'Cannot query field "bodi" on type "Comment".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      await sub.close();
    } finally {
      await production.stop();
    }
  });
});

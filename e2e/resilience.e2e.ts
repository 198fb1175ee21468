import { postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

describe('a subgraph that is down', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    const { register } = await supergraph.client().Register({
      input: { email: 'res@example.com', handle: 'res', displayName: 'Res', password: 'resilience pass' },
    });
    const owner = supergraph.client(register.accessToken);
    const { createShow } = await owner.CreateShow({ input: { slug: 'still-here', title: 'Still Here', category: 'NEWS', language: 'en' } });
    const { createEpisode } = await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Up' } });
    await owner.PublishEpisode({ id: createEpisode.id });
    await supergraph.stopSubgraph('identity');
  });
  afterAll(() => supergraph?.stop());

  it('yields partial data with a located SUBGRAPH_UNAVAILABLE error, not a failed request', async () => {
    const started = Date.now();
    const res = await postGraphQL(supergraph.url, '{ me { id } episodes(first: 5) { edges { node { title } } } }');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: null, episodes: { edges: [{ node: { title: 'Up' } }] } });
    expect(res.body.errors).toEqual([
      { message: 'The identity service is unavailable', path: ['me'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'identity' } },
    ]);
  });

  it('locates the error at the field of each entity it could not fetch', async () => {
    const res = await postGraphQL(supergraph.url, '{ episodes(first: 5) { edges { node { title show { title owner { handle } } } } } }');
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]).toMatchObject({
      path: ['episodes', 'edges', 0, 'node', 'show', 'owner', 'handle'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack/);
  });
});

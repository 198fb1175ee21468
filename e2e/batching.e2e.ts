import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

/** Listing episodes with their shows and owners costs a fixed number of SQL statements per subgraph. */
describe('batched entity resolution across the supergraph', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    const anonymous = supergraph.client();
    // 5 owners, 10 shows, 60 published episodes
    for (let u = 0; u < 5; u += 1) {
      const { register } = await anonymous.Register({
        input: { email: `owner${u}@example.com`, handle: `owner${u}`, displayName: `Owner ${u}`, password: 'batching pass 1' },
      });
      const owner = supergraph.client(register.accessToken);
      for (let s = 0; s < 2; s += 1) {
        const { createShow } = await owner.CreateShow({ input: { slug: `show-${u}-${s}`, title: `Show ${u}.${s}`, category: 'NEWS', language: 'en' } });
        for (let e = 0; e < 6; e += 1) {
          const { createEpisode } = await owner.CreateEpisode({ input: { showId: createShow.id, title: `Episode ${e}` } });
          await owner.PublishEpisode({ id: createEpisode.id });
        }
      }
    }
  }, 120_000);
  afterAll(() => supergraph?.stop());

  async function countQueries(first: number) {
    supergraph.identity.db.queries.reset();
    supergraph.catalog.db.queries.reset();
    const { episodes } = await supergraph.client().LatestEpisodes({ first });
    expect(episodes.edges).toHaveLength(first);
    for (const { node } of episodes.edges) expect(node.show.owner?.handle).toMatch(/^owner\d$/);
    return { catalog: supergraph.catalog.db.queries.count(), identity: supergraph.identity.db.queries.count() };
  }

  it('costs the same number of queries for 5 and 50 episodes', async () => {
    const small = await countQueries(5);
    const large = await countQueries(50);
    expect(large).toEqual(small);
    expect(large.identity).toBe(1);
    expect(large.catalog).toBeLessThanOrEqual(3);
  });
});

import { startGateway } from '@wavegraph/gateway';
import { postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

/** Development mode: the gateway composes the supergraph itself from running subgraphs. */
describe('gateway composing from running subgraphs', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
  });
  afterAll(() => supergraph?.stop());

  it('introspects the (signed) subgraphs, composes, and answers cross-subgraph queries', async () => {
    const { register } = await supergraph.client().Register({
      input: { email: 'dev@example.com', handle: 'devmode', displayName: 'Dev', password: 'dev mode pass 1' },
    });
    await supergraph.client(register.accessToken).CreateShow({ input: { slug: 'dev-show', title: 'Dev Show', category: 'NEWS', language: 'en' } });

    const dev = await startGateway({
      ...supergraph.gatewayConfig,
      supergraphPath: '/nonexistent/supergraph.graphql',
      composeFrom: [
        { name: 'identity', url: supergraph.identity.url },
        { name: 'catalog', url: supergraph.catalog.url },
      ],
    });
    try {
      const res = await postGraphQL(dev.url, '{ showBySlug(slug: "dev-show") { title owner { handle } } }');
      expect(res.body).toEqual({ data: { showBySlug: { title: 'Dev Show', owner: { handle: 'devmode' } } } });
    } finally {
      await dev.stop();
    }
  });
});

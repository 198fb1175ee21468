import { NO_RATE_LIMITS, startTestSupergraph, type TestSupergraph } from './support/supergraph';

// A GraphQL POST with a JSON body is answered on the gateway's hot path, not through Express;
// `/graphql/` still goes through the Express route. Both must answer every request alike.

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
}

const COMPARED_HEADERS = ['content-type', 'access-control-allow-origin', 'access-control-allow-credentials', 'vary', 'retry-after', 'ratelimit-policy'];
const ORIGIN = 'http://localhost:3000';

describe('the hot path for GraphQL POSTs', () => {
  let supergraph: TestSupergraph;
  let token: string;
  beforeAll(async () => {
    supergraph = await startTestSupergraph({ rateLimits: { ...NO_RATE_LIMITS, perWindow: { ...NO_RATE_LIMITS.perWindow, anonymous: 1000, FREE: 1000 } }, corsOrigins: [ORIGIN] });
    const { register } = await supergraph.client().Register({ input: { email: 'hot@example.com', handle: 'hot_path', displayName: 'Hot', password: 'hot path pass 1' } });
    token = register.accessToken;
  });
  afterAll(() => supergraph?.stop());

  async function send(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${supergraph.url}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // compared as text
    }
    return { status: res.status, body: parsed, headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, res.headers.get(h)])) };
  }

  const cases: { name: string; body: string; headers?: Record<string, string> }[] = [
    { name: 'a query across subgraphs', body: JSON.stringify({ query: '{ episodes(first: 2) { edges { node { title show { title } } } } }' }) },
    { name: 'a signed-in caller', body: JSON.stringify({ query: '{ me { handle } }' }), headers: { authorization: 'TOKEN' } },
    { name: 'a bad token', body: JSON.stringify({ query: '{ me { handle } }' }), headers: { authorization: 'Bearer nope' } },
    { name: 'a validation error', body: JSON.stringify({ query: '{ nope }' }) },
    { name: 'variables that do not coerce', body: JSON.stringify({ query: 'query($n: Int!) { episodes(first: $n) { edges { node { id } } } }', variables: { n: 'x' } }) },
    { name: 'invalid JSON', body: '{"query": ' },
    { name: 'a JSON string, not an object', body: '"{ me { id } }"' },
    { name: 'an empty body', body: '' },
    { name: 'no query', body: JSON.stringify({ variables: {} }) },
    { name: 'a mismatched persisted query hash', body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }) },
    { name: 'an operation name the document lacks', body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }) },
    { name: 'a body over the limit', body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }) },
    { name: 'an allowed origin', body: JSON.stringify({ query: '{ __typename }' }), headers: { origin: ORIGIN } },
    { name: 'another origin', body: JSON.stringify({ query: '{ __typename }' }), headers: { origin: 'https://evil.example' } },
    { name: 'a UTF-8 charset', body: JSON.stringify({ query: '{ __typename }' }), headers: { 'content-type': 'application/json; charset=utf-8' } },
  ];

  it.each(cases)('answers $name as the Express route does', async ({ body, headers = {} }) => {
    const sent = { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'TOKEN' ? `Bearer ${token}` : v])) };
    const hot = await send('', body, sent);
    const express = await send('/', body, sent);
    expect(hot).toEqual(express);
    expect(hot.status).toBeGreaterThanOrEqual(200);
  });

  it('counts hot-path requests against the same rate limit, and refuses alike when it is spent', async () => {
    const limited = await startTestSupergraph({ rateLimits: { ...NO_RATE_LIMITS, perWindow: { ...NO_RATE_LIMITS.perWindow, anonymous: 2 } } });
    try {
      const post = (path: string) => fetch(`${limited.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect((await post('')).status).toBe(200);
      expect((await post('/')).status).toBe(200);
      const [hot, express] = [await post(''), await post('/')];
      expect([hot.status, express.status]).toEqual([429, 429]);
      expect(await hot.json()).toEqual(await express.json());
    } finally {
      await limited.stop();
    }
  });
});

import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

interface Answer {
  status: number;
  contentType: string;
  text: string;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Whatever a client sends, a mistake is answered as a GraphQL error with a code: never HTML, a stack or a 500. */
describe('bad requests get GraphQL errors with codes', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
  });
  afterAll(() => supergraph?.stop());

  async function send(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST', path = ''): Promise<Answer> {
    const res = await fetch(`${supergraph.url}${path}`, { method, headers, body: method === 'GET' ? undefined : body });
    const text = await res.text();
    let errors: Answer['errors'];
    try {
      errors = (JSON.parse(text) as { errors?: Answer['errors'] }).errors;
    } catch {
      errors = undefined;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, errors };
  }
  const json = (value: unknown) => JSON.stringify(value);
  const users = async () => (await supergraph.identity.db.dataSource.query('SELECT count(*)::int AS n FROM users'))[0].n as number;

  function expectCoded(answer: Answer, status: number, code: string): void {
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/application\/(graphql-response\+)?json/);
    expect(answer.text).not.toMatch(/<html|<pre|\bat [\w.]+ \(|node_modules/i);
    expect(answer.errors?.[0].extensions?.code).toBe(code);
  }

  it.each([
    ['malformed JSON', '{"query": "{ me { id } "'],
    ['a JSON string', '"{ me { id } }"'],
    ['an empty body', ''],
  ])('%s', async (_what, body) => {
    expectCoded(await send(body), 400, 'BAD_REQUEST');
  });

  it('a body over the size limit, refused before it is parsed', async () => {
    const big = json({ query: `{ me { id } } # ${'x'.repeat(1_100_000)}` });
    expectCoded(await send(big), 413, 'BAD_REQUEST');
  });

  it('an unknown operation name, and a document with several operations but no name', async () => {
    expectCoded(await send(json({ query: 'query A { me { id } }', operationName: 'B' })), 400, 'OPERATION_RESOLUTION_FAILURE');
    expectCoded(await send(json({ query: 'query A { me { id } } query B { me { id } }' })), 400, 'OPERATION_RESOLUTION_FAILURE');
  });

  it('a subscription over HTTP, POST or GET, is told where subscriptions go', async () => {
    const subscription = 'subscription { notificationAdded { id } }';
    const posted = await send(json({ query: subscription }));
    expectCoded(posted, 400, 'BAD_REQUEST');
    expect(posted.errors?.[0].message).toContain('graphql-ws');
    // a GET runs queries only (Apollo's rule, as for a mutation)
    expectCoded(await send('', {}, 'GET', `?query=${encodeURIComponent(subscription)}`), 405, 'BAD_REQUEST');
  });

  it('variables that are not an object, and a query that is not a string', async () => {
    expectCoded(await send(json({ query: '{ me { id } }', variables: [1, 2] })), 400, 'BAD_REQUEST');
    expectCoded(await send(json({ query: 42 })), 400, 'BAD_REQUEST');
    expectCoded(await send(json([{ query: '{ me { id } }' }])), 400, 'BAD_REQUEST');
  });

  it('a GET with malformed variables', async () => {
    const answer = await send('', { 'apollo-require-preflight': 'true' }, 'GET', `?query=${encodeURIComponent('query($h: String!) { userByHandle(handle: $h) { id } }')}&variables=%7Bnope`);
    expectCoded(answer, 400, 'BAD_REQUEST');
  });

  it('an unknown route answers JSON, and so does a subgraph port sent an oversized body', async () => {
    const missing = await fetch(supergraph.url.replace(/\/graphql$/, '/nope'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
    const direct = await fetch(supergraph.engagement.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(direct.status).toBe(413);
    expect(await direct.json()).toEqual({ errors: [{ message: 'The request body cannot be read', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('U+0000 in a variable or a literal is BAD_USER_INPUT, and nothing is written', async () => {
    const before = await users();
    const REGISTER = 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }';
    const input = { email: 'nul@example.com', handle: 'nul_user', displayName: 'Nul\u0000Byte', password: 'a long enough password' };
    expectCoded(await send(json({ query: REGISTER, variables: { i: input } })), 400, 'BAD_USER_INPUT');
    const literal = 'mutation { register(input: { email: "nul2@example.com", handle: "nul_two", displayName: "a\\u0000b", password: "a long enough password" }) { accessToken } }';
    expectCoded(await send(json({ query: literal })), 400, 'BAD_USER_INPUT');
    const nested = await send(json({ query: '{ search(query: "ok", filter: { language: "a\\u0000" }) { edges { node { kind } } } }' }));
    expectCoded(nested, 400, 'BAD_USER_INPUT');
    expect(await users()).toBe(before);
  });

  it('a value outside an enum is BAD_USER_INPUT naming the field, in a variable at any depth', async () => {
    const browse = await send(json({ query: 'query($c: ShowCategory) { browse(category: $c) { edges { node { id } } } }', variables: { c: 'CARS' } }));
    expectCoded(browse, 400, 'BAD_USER_INPUT');
    expect(browse.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'c' });
    const search = await send(json({ query: 'query($f: SearchFilter) { search(query: "ok", filter: $f) { edges { node { kind } } } }', variables: { f: { category: 'CARS' } } }));
    expectCoded(search, 400, 'BAD_USER_INPUT');
    expect(search.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'category' });
    expect(search.errors?.[0].message).toContain('ShowCategory');
  });
});

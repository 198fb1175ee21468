import { errorCodes, postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { forgedTokens } from './support/tokens';

describe('gateway security', () => {
  let supergraph: TestSupergraph;
  let token: string;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    const { register } = await supergraph.client().Register({
      input: { email: 'sec@example.com', handle: 'sec', displayName: 'Sec', password: 'security pass 1' },
    });
    token = register.accessToken;
  });
  afterAll(() => supergraph?.stop());

  it('treats a request without a token as anonymous and with a valid one as the user', async () => {
    expect((await supergraph.client().Me()).me).toBeNull();
    expect((await supergraph.client(token).Me()).me).toMatchObject({ handle: 'sec', email: 'sec@example.com' });
  });

  it.each(['algNone', 'tampered', 'wrongKey', 'expired', 'wrongAudience', 'wrongIssuer', 'garbage'] as const)('rejects a %s token with 401 UNAUTHENTICATED and no data', async (kind) => {
    const [{ private_jwk: identityKey }] = await supergraph.identity.db.dataSource.query('SELECT private_jwk FROM signing_key');
    const forged = (await forgedTokens(token, identityKey))[kind];
    const res = await postGraphQL(supergraph.url, '{ me { id role } }', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    if (kind === 'expired') expect(res.body.errors?.[0].message).toMatch(/expired/);
  });

  it('rejects a malformed Authorization header', async () => {
    const res = await postGraphQL(supergraph.url, '{ me { id } }', { headers: { authorization: 'Token abc' } });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers malformed GraphQL with a parse error code and no stack trace', async () => {
    const res = await postGraphQL(supergraph.url, '{ me { id ');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    const unknownField = await postGraphQL(supergraph.url, '{ me { password } }');
    expect(unknownField.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(unknownField.body)).not.toMatch(/stacktrace|at .*\.js/);
  });

  it('rejects bad input with clear codes and writes nothing', async () => {
    const client = supergraph.client();
    const register = (input: { email: string; handle: string; displayName: string; password: string }) => client.Register({ input });
    expect(await errorCodes(register({ email: 'not-an-email', handle: 'valid_one', displayName: 'V', password: 'long enough pass' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(register({ email: 'short@example.com', handle: 'shorty', displayName: 'S', password: 'short' }))).toEqual(['BAD_USER_INPUT']);
    // a taken email and a taken handle answer alike: nothing tells that sec@example.com has an account
    const REGISTER = 'mutation($input: RegisterInput!) { register(input: $input) { accessToken } }';
    const refusals = [];
    for (const input of [{ email: 'sec@example.com', handle: 'another' }, { email: 'new@example.com', handle: 'sec' }]) {
      const res = await postGraphQL(supergraph.url, REGISTER, { variables: { input: { ...input, displayName: 'A', password: 'long enough pass' } } });
      expect(res.body.data ?? null).toBeNull();
      refusals.push(res.body.errors?.map((e) => ({ message: e.message, extensions: e.extensions })));
    }
    expect(refusals[0]).toEqual([{ message: 'That email or handle cannot be used', extensions: { code: 'CONFLICT', serviceName: 'identity' } }]);
    expect(refusals[1]).toEqual(refusals[0]);
    expect(await errorCodes(register({ email: 'big@example.com', handle: 'big', displayName: 'x'.repeat(10_000), password: 'long enough pass' }))).toEqual(['BAD_USER_INPUT']);
    const count = await supergraph.identity.db.dataSource.query('SELECT count(*)::int AS n FROM users');
    expect(count[0].n).toBe(1);

    const authed = supergraph.client(token);
    expect(await errorCodes(authed.CreateShow({ input: { slug: 'Bad Slug!', title: 'T', category: 'NEWS', language: 'en' } }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(authed.CreateShow({ input: { slug: 'ok-slug', title: 'x'.repeat(5_000), category: 'NEWS', language: 'en' } }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(authed.CreateEpisode({ input: { showId: '00000000-0000-4000-8000-000000000000', title: 'Orphan' } }))).toEqual(['NOT_FOUND']);
    expect(await errorCodes(authed.Episode({ id: 'not-a-uuid' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(authed.Show({ id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    const shows = await supergraph.catalog.db.dataSource.query('SELECT count(*)::int AS n FROM shows');
    expect(shows[0].n).toBe(0);
  });

  it('limits query depth and aliases', async () => {
    const deep = `{ me { ${'shows(first: 1) { edges { node { owner { '.repeat(4)}id${' } } } }'.repeat(4)} } }`;
    const res = await postGraphQL(supergraph.url, deep);
    expect(res.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await postGraphQL(supergraph.url, aliases)).body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('propagates a request id and lets Apollo Sandbox connect in development', async () => {
    const res = await postGraphQL(supergraph.url, '{ me { id } }', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const preflight = await fetch(supergraph.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    const landing = await fetch(supergraph.url, { headers: { accept: 'text/html' } });
    expect(landing.status).toBe(200);
    expect(await landing.text()).toMatch(/apollo/i);
    const introspection = await postGraphQL(supergraph.url, '{ __schema { queryType { name } } }');
    expect(introspection.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('turns introspection and the landing page off in production', async () => {
    // as configFromEnv resolves NODE_ENV=production (gateway/src/config.spec.ts)
    const production = await startTestSupergraph({ production: true, ide: 'off', corsOrigins: [] });
    try {
      const introspection = await postGraphQL(production.url, '{ __schema { queryType { name } } }');
      expect(introspection.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const landing = await fetch(production.url, { headers: { accept: 'text/html' } });
      expect(await landing.text()).not.toMatch(/<html/i);
      expect((await production.client().LatestEpisodes({ first: 1 })).episodes.edges).toEqual([]);
    } finally {
      await production.stop();
    }
  });
});

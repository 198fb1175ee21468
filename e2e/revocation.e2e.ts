import { eventually, subscribeOverWebSocket } from '@wavegraph/testkit';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const ME = '{ me { id role plan } }';
const codeOf = (res: RawResponse): string => String(res.body.errors?.[0]?.extensions?.code ?? 'OK');

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

/** Role and plan changes and logout count from the very next request, at every gateway replica. */
describe('revoked access tokens', () => {
  let supergraph: TestSupergraph;
  let adminToken: string;

  const session = async (query: string, variables: object): Promise<Session> => {
    const res = await postGraphQL(supergraph.url, query, { variables });
    return Object.values(res.body.data as Record<string, Session>)[0];
  };
  const register = (handle: string) =>
    session('mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id } } }', {
      i: { email: `${handle}@example.com`, handle, displayName: handle, password: 'a long enough password' },
    });
  const refresh = (refreshToken: string) => session('mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { id } } }', { t: refreshToken });

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    const admin = await register('the_admin');
    await supergraph.identity.db.dataSource.query(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [admin.user.id]);
    adminToken = (await refresh(admin.refreshToken)).accessToken;
  });
  afterAll(() => supergraph?.stop());

  it('ends a session at logout: its access token is refused on the next request, the user’s other sessions go on', async () => {
    const first = await register('leaver');
    const second = await session('mutation { login(input: { email: "leaver@example.com", password: "a long enough password" }) { accessToken refreshToken user { id } } }', {});
    expect(codeOf(await postGraphQL(supergraph.url, ME, { token: first.accessToken }))).toBe('OK');
    await postGraphQL(supergraph.url, 'mutation($t: String!) { logout(refreshToken: $t) }', { variables: { t: first.refreshToken } });
    const after = await postGraphQL(supergraph.url, ME, { token: first.accessToken });
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(after.body.data ?? null).toBeNull();
    expect(after.body.errors?.[0].message).toMatch(/revoked/);
    expect(codeOf(await postGraphQL(supergraph.url, ME, { token: second.accessToken }))).toBe('OK');
  });

  it('applies a role change and a plan change on the next request: the old token is refused, a refreshed one carries the change', async () => {
    const user = await register('promoted');
    await postGraphQL(supergraph.url, 'mutation($u: ID!) { setUserRole(userId: $u, role: EDITOR) { id } }', { token: adminToken, variables: { u: user.user.id } });
    expect(codeOf(await postGraphQL(supergraph.url, ME, { token: user.accessToken }))).toBe('UNAUTHENTICATED');
    const promoted = await refresh(user.refreshToken);
    const me = await postGraphQL(supergraph.url, ME, { token: promoted.accessToken });
    expect((me.body.data as { me: { role: string } }).me.role).toBe('EDITOR');

    await postGraphQL(supergraph.url, 'mutation($u: ID!) { setUserPlan(userId: $u, plan: PREMIUM) { id } }', { token: adminToken, variables: { u: user.user.id } });
    expect(codeOf(await postGraphQL(supergraph.url, ME, { token: promoted.accessToken }))).toBe('UNAUTHENTICATED');
    const upgraded = await refresh(promoted.refreshToken);
    expect((await postGraphQL(supergraph.url, ME, { token: upgraded.accessToken })).body.data).toEqual({ me: { id: user.user.id, role: 'EDITOR', plan: 'PREMIUM' } });
  });

  it('counts at every replica, and ends a session whose refresh token is replayed', async () => {
    const { startGateway } = await import('@wavegraph/gateway');
    const other = await startGateway(supergraph.gatewayConfig);
    try {
      const user = await register('replayed');
      const next = await refresh(user.refreshToken);
      expect(codeOf(await postGraphQL(other.url, ME, { token: next.accessToken }))).toBe('OK');
      // the spent token again: the family is revoked, and so are its access tokens
      await postGraphQL(supergraph.url, 'mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }', { variables: { t: user.refreshToken } });
      expect(codeOf(await postGraphQL(other.url, ME, { token: next.accessToken }))).toBe('UNAUTHENTICATED');
      expect(codeOf(await postGraphQL(supergraph.url, ME, { token: next.accessToken }))).toBe('UNAUTHENTICATED');
    } finally {
      await other.stop();
    }
  });

  it('refuses a new subscription on a connection whose token was revoked since, closing it with 4403, and refuses the token at connect', async () => {
    const user = await register('socket_user');
    let closeCode: number | undefined;
    const client = createClient({
      url: supergraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${user.accessToken}` },
      on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
    });
    const ended = (query: string) =>
      new Promise<unknown>((resolve) => client.subscribe({ query }, { next: () => undefined, error: resolve, complete: () => resolve('complete') }));
    try {
      void ended('subscription { notificationAdded { id } }');
      await eventually(async () => supergraph.gateway.subscriptions.executor.stats().subscribers > 0);
      await postGraphQL(supergraph.url, 'mutation($t: String!) { logout(refreshToken: $t) }', { variables: { t: user.refreshToken } });
      // the next subscribe on the same connection ends it: graphql-ws reconnects with fresh connectionParams
      const second = (await ended('subscription { notificationAdded { message } }')) as { code?: number; reason?: string };
      expect([second.code, second.reason]).toEqual([4403, 'Access token revoked']);
      await eventually(async () => closeCode === 4403);
    } finally {
      await client.dispose();
    }
    const reconnect = subscribeOverWebSocket(supergraph.url, 'subscription { notificationAdded { id } }', {}, { authorization: `Bearer ${user.accessToken}` });
    expect((await reconnect.ended).closeCode).toBe(4403);
  });
});

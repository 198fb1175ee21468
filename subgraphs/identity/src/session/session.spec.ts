import { LOGIN, LOGOUT, REFRESH, registerUser, startIdentity, viewerOf, type AuthResult, type Harness } from '../testing/harness';
import { hashToken } from './refresh-tokens';

const claimsOf = (accessToken: string) => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));

describe('identity: sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startIdentity();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const refresh = (token: string) => h.call<{ refreshSession: AuthResult }>(REFRESH, { t: token });

  it('refuses a wrong password and an unknown email with the same UNAUTHENTICATED error', async () => {
    const reg = await registerUser(h);
    const wrong = await h.call(LOGIN, { input: { email: reg.input.email, password: 'not the right one' } });
    const unknown = await h.call(LOGIN, { input: { email: 'nobody@example.com', password: 'whatever it is' } });
    expect(wrong.data).toBeNull();
    expect(wrong.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('stores refresh tokens only as hashes', async () => {
    const reg = await registerUser(h);
    const rows: { token_hash: string }[] = await h.running.db.dataSource.query('SELECT token_hash FROM refresh_token');
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(reg.refreshToken));
    expect(JSON.stringify(rows)).not.toContain(reg.refreshToken);
  });

  it('rotates the refresh token on every use: the old one then fails, the new one works', async () => {
    const reg = await registerUser(h);
    const first = await refresh(reg.refreshToken);
    expect(first.errors).toBeUndefined();
    const next = first.data!.refreshSession;
    expect(next.refreshToken).not.toBe(reg.refreshToken);
    expect(next.user).toMatchObject({ id: reg.user.id, email: reg.input.email });
    expect(claimsOf(next.accessToken).sub).toBe(reg.user.id);

    const second = await refresh(next.refreshToken);
    expect(second.errors).toBeUndefined();
    expect(second.data?.refreshSession.refreshToken).toBeTruthy();
    const old = await refresh(reg.refreshToken);
    expect(old.data).toBeNull();
    expect(old.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('revokes the whole family when a spent token is presented again', async () => {
    const reg = await registerUser(h);
    const newest = (await refresh(reg.refreshToken)).data!.refreshSession.refreshToken;
    const replay = await refresh(reg.refreshToken);
    expect(replay.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const afterReplay = await refresh(newest);
    expect(afterReplay.data).toBeNull();
    expect(afterReplay.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // other sessions of the same user are not affected
    const login = await h.call<{ login: AuthResult }>(LOGIN, { input: { email: reg.input.email, password: reg.input.password } });
    expect((await refresh(login.data?.login.refreshToken ?? '')).errors).toBeUndefined();
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const reg = await registerUser(h);
    const results = await Promise.all([refresh(reg.refreshToken), refresh(reg.refreshToken), refresh(reg.refreshToken)]);
    expect(results.filter((r) => r.data?.refreshSession).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'UNAUTHENTICATED').length).toBe(2);
    const rows = await h.running.db.dataSource.query(
      'SELECT count(*) AS n FROM refresh_token t JOIN session_family f ON f.id = t.family_id WHERE f.user_id = $1',
      [reg.user.id],
    );
    expect(Number(rows[0].n)).toBe(2);
  });

  it('refuses unknown and expired refresh tokens', async () => {
    expect((await refresh('not-a-token')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const reg = await registerUser(h);
    await h.running.db.dataSource.query(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      hashToken(reg.refreshToken),
    ]);
    expect((await refresh(reg.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('logs out by revoking the family', async () => {
    const reg = await registerUser(h);
    const rotated = (await refresh(reg.refreshToken)).data!.refreshSession.refreshToken;
    expect((await h.call(LOGOUT, { t: rotated })).data).toEqual({ logout: true });
    expect((await refresh(rotated)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await h.call(LOGOUT, { t: 'unknown-token' })).data).toEqual({ logout: false });
  });

  it('issues tokens with the current role and plan after a change', async () => {
    const reg = await registerUser(h);
    expect(claimsOf(reg.accessToken)).toMatchObject({ role: 'USER', plan: 'FREE' });
    const admin = { id: reg.user.id, role: 'ADMIN' as const, plan: 'FREE' as const };
    await h.call('mutation($id: ID!) { setUserPlan(userId: $id, plan: PREMIUM) { id } }', { id: reg.user.id }, admin);
    await h.call('mutation($id: ID!) { setUserRole(userId: $id, role: EDITOR) { id } }', { id: reg.user.id }, admin);
    const next = (await refresh(reg.refreshToken)).data!.refreshSession;
    expect(next.user).toMatchObject({ role: 'EDITOR', plan: 'PREMIUM' });
    expect(claimsOf(next.accessToken)).toMatchObject({ sub: reg.user.id, role: 'EDITOR', plan: 'PREMIUM' });
    expect(viewerOf(next)).toEqual({ id: reg.user.id, role: 'EDITOR', plan: 'PREMIUM' });
  });
});

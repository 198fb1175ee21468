import { grantRole } from '../cli/grant-role.command';
import { LOGIN, REGISTER, registerUser, startIdentity, viewerOf, type Harness, type AuthResult } from '../testing/harness';

const ME = '{ me { id handle displayName email role plan createdAt } }';
const USER = 'query($id: ID!) { user(id: $id) { id handle email } }';

describe('identity: users', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startIdentity();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('registers, logs in and answers me', async () => {
    const reg = await registerUser(h, { email: 'Ada@Example.COM', handle: 'Ada_L', displayName: '  Ada Lovelace ' });
    expect(reg.user).toMatchObject({ email: 'ada@example.com', handle: 'ada_l', displayName: 'Ada Lovelace', role: 'USER', plan: 'FREE' });
    expect(reg.accessToken.split('.')).toHaveLength(3);
    expect(reg.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const login = await h.call<{ login: AuthResult }>(LOGIN, { input: { email: 'ADA@example.com', password: reg.input.password } });
    expect(login.errors).toBeUndefined();
    expect(login.data?.login.user.id).toBe(reg.user.id);
    expect(login.data?.login.refreshToken).not.toBe(reg.refreshToken);

    const me = await h.call<{ me: AuthResult['user'] }>(ME, {}, viewerOf(reg));
    expect(me.data?.me).toMatchObject({ id: reg.user.id, handle: 'ada_l', email: 'ada@example.com', role: 'USER', plan: 'FREE' });
    expect(new Date(me.data?.me.createdAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await h.call(ME)).data).toEqual({ me: null });
  });

  it('shows email, role and plan only to the user themself and to staff; null to anyone else', async () => {
    const owner = await registerUser(h);
    const other = await registerUser(h);
    const email = owner.input.email;
    type Private = { email: string | null; role: string | null; plan: string | null; handle: string };
    const as = async (viewer: Parameters<Harness['call']>[2]) => {
      const res = await h.call<{ user: Private }>('query($id: ID!) { user(id: $id) { handle email role plan } }', { id: owner.user.id }, viewer);
      expect(res.errors).toBeUndefined();
      return res.data?.user;
    };
    const all = { handle: owner.user.handle, email, role: 'USER', plan: 'FREE' };
    const publicOnly = { handle: owner.user.handle, email: null, role: null, plan: null };
    expect(await as(viewerOf(owner))).toEqual(all);
    expect(await as({ id: other.user.id, role: 'ADMIN', plan: 'FREE' })).toEqual(all);
    expect(await as({ id: other.user.id, role: 'EDITOR', plan: 'PREMIUM' })).toEqual(all);
    expect(await as(viewerOf(other))).toEqual(publicOnly);
    expect(await as(null)).toEqual(publicOnly);
    // the same through a reference, as the gateway asks for it
    const ref = await h.call<{ _entities: Private[] }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on User { handle role plan email } } }', { r: [{ __typename: 'User', id: owner.user.id }] }, null);
    expect(ref.data?._entities).toEqual([publicOnly]);
  });

  it.each([
    ['malformed email', { email: 'not-an-email' }, 'email'],
    ['oversized email', { email: `${'a'.repeat(250)}@example.com` }, 'email'],
    ['short password', { password: 'short' }, 'password'],
    ['oversized password', { password: 'x'.repeat(257) }, 'password'],
    ['password equal to handle', { handle: 'samehandle1', password: 'SameHandle1' }, 'password'],
    ['password equal to email', { email: 'same@example.com', password: 'same@example.com' }, 'password'],
    ['handle too short', { handle: 'ab' }, 'handle'],
    ['handle with bad characters', { handle: 'bad-handle!' }, 'handle'],
    ['handle too long', { handle: 'h'.repeat(31) }, 'handle'],
    ['empty displayName', { displayName: '   ' }, 'displayName'],
    ['oversized displayName', { displayName: 'd'.repeat(81) }, 'displayName'],
  ])('rejects %s with BAD_USER_INPUT and writes nothing', async (_label, override, field) => {
    const before = [await h.count('users'), await h.count('session_family'), await h.count('refresh_token')];
    const input = { email: 'valid@example.com', handle: 'valid_handle', displayName: 'Valid', password: 'a good long password', ...override };
    const res = await h.call(REGISTER, { input });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect([await h.count('users'), await h.count('session_family'), await h.count('refresh_token')]).toEqual(before);
  });

  it('rejects duplicate email and handle (case-insensitively) with CONFLICT', async () => {
    const first = await registerUser(h, { email: 'dup@example.com', handle: 'dup_handle' });
    const before = [await h.count('users'), await h.count('session_family')];
    const dupEmail = await h.call(REGISTER, { input: { ...first.input, email: 'DUP@example.com', handle: 'another_one' } });
    const dupHandle = await h.call(REGISTER, { input: { ...first.input, email: 'new@example.com', handle: 'DUP_Handle' } });
    // a taken email is told apart from a taken handle by nothing: same code, same message, no field
    for (const res of [dupEmail, dupHandle]) {
      expect(res.data).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ message: 'That email or handle cannot be used', extensions: { code: 'CONFLICT' } })]);
    }
    expect([await h.count('users'), await h.count('session_family')]).toEqual(before);
  });

  it('lets exactly one of two concurrent registrations with the same email win', async () => {
    const input = (handle: string) => ({ email: 'race@example.com', handle, displayName: 'Racer', password: 'a good long password' });
    const results = await Promise.all([h.call(REGISTER, { input: input('racer_one') }), h.call(REGISTER, { input: input('racer_two') })]);
    expect(results.filter((r) => r.data?.register).length).toBe(1);
    expect(results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    expect(Number((await h.running.db.dataSource.query(`SELECT count(*) AS n FROM users WHERE email = 'race@example.com'`))[0].n)).toBe(1);
  });

  it('stores an argon2id hash with at least the OWASP parameters', async () => {
    const reg = await registerUser(h);
    const [row] = await h.running.db.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [reg.user.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/);
    const [, m, t, p] = /m=(\d+),t=(\d+),p=(\d+)/.exec(row.password_hash)!.map(Number);
    expect(m).toBeGreaterThanOrEqual(19456);
    expect(t).toBeGreaterThanOrEqual(2);
    expect(p).toBeGreaterThanOrEqual(1);
    expect(row.password_hash).not.toContain(reg.input.password);
  });

  it('finds users by id and handle, with BAD_USER_INPUT and NOT_FOUND errors', async () => {
    const reg = await registerUser(h, { handle: 'Findable_One' });
    expect((await h.call(USER, { id: reg.user.id })).data?.user).toMatchObject({ id: reg.user.id, handle: 'findable_one' });
    const byHandle = await h.call<{ userByHandle: { id: string } }>('query($h: String!) { userByHandle(handle: $h) { id } }', { h: 'FINDABLE_one' });
    expect(byHandle.data?.userByHandle.id).toBe(reg.user.id);

    const malformed = await h.call(USER, { id: 'nope' });
    expect(malformed.errors?.[0]).toMatchObject({ path: ['user'], extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    const unknown = await h.call(USER, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.errors?.[0]).toMatchObject({ path: ['user'], extensions: { code: 'NOT_FOUND' } });
    const noHandle = await h.call('{ userByHandle(handle: "nobody_here") { id } }');
    expect(noHandle.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('updates the signed-in user profile, validating and checking conflicts', async () => {
    const reg = await registerUser(h);
    const taken = await registerUser(h);
    const UPDATE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id handle displayName } }';
    const ok = await h.call(UPDATE, { input: { displayName: 'New Name', handle: 'Renamed_User' } }, viewerOf(reg));
    expect(ok.data?.updateProfile).toEqual({ id: reg.user.id, handle: 'renamed_user', displayName: 'New Name' });

    const anonymous = await h.call(UPDATE, { input: { displayName: 'x' } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await h.call(UPDATE, { input: { displayName: 'Fine', handle: 'no' } }, viewerOf(reg));
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'handle' });
    const clash = await h.call(UPDATE, { input: { handle: taken.user.handle.toUpperCase() } }, viewerOf(reg));
    expect(clash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'handle' });
    const [row] = await h.running.db.dataSource.query('SELECT handle, display_name FROM users WHERE id = $1', [reg.user.id]);
    expect(row).toEqual({ handle: 'renamed_user', display_name: 'New Name' });
  });

  describe('admin-only role and plan changes', () => {
    const SET_ROLE = 'mutation($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { id role } }';
    const SET_PLAN = 'mutation($id: ID!, $plan: Plan!) { setUserPlan(userId: $id, plan: $plan) { id plan } }';

    it('refuses users and anonymous callers, and lets an admin made by grant-role do it', async () => {
      const target = await registerUser(h);
      const admin = await registerUser(h);
      const asUser = await h.call(SET_ROLE, { id: target.user.id, role: 'EDITOR' }, viewerOf(admin));
      expect(asUser.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const planAsUser = await h.call(SET_PLAN, { id: target.user.id, plan: 'PREMIUM' }, viewerOf(admin));
      expect(planAsUser.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await h.call(SET_PLAN, { id: target.user.id, plan: 'PREMIUM' })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

      const granted = await grantRole(h.running.services.users, admin.input.email.toUpperCase(), 'ADMIN');
      expect(granted.role).toBe('ADMIN');
      const login = await h.call<{ login: AuthResult }>(LOGIN, { input: { email: admin.input.email, password: admin.input.password } });
      const adminViewer = viewerOf(login.data!.login);
      expect(adminViewer.role).toBe('ADMIN');

      expect((await h.call(SET_ROLE, { id: target.user.id, role: 'EDITOR' }, adminViewer)).data?.setUserRole).toEqual({ id: target.user.id, role: 'EDITOR' });
      expect((await h.call(SET_PLAN, { id: target.user.id, plan: 'PREMIUM' }, adminViewer)).data?.setUserPlan).toEqual({ id: target.user.id, plan: 'PREMIUM' });
      const [row] = await h.running.db.dataSource.query('SELECT role, plan FROM users WHERE id = $1', [target.user.id]);
      expect(row).toEqual({ role: 'EDITOR', plan: 'PREMIUM' });

      const unknown = await h.call(SET_ROLE, { id: '00000000-0000-4000-8000-000000000000', role: 'USER' }, adminViewer);
      expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const malformed = await h.call(SET_PLAN, { id: 'x', plan: 'FREE' }, adminViewer);
      expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    });

    it('grant-role rejects an unknown role or email', async () => {
      await expect(grantRole(h.running.services.users, 'nobody@example.com', 'ADMIN')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(grantRole(h.running.services.users, 'nobody@example.com', 'ROOT')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    });
  });

  it('resolves many User references with one SQL query', async () => {
    const users = await Promise.all([registerUser(h), registerUser(h), registerUser(h)]);
    const ids = [...users.map((u) => u.user.id), '00000000-0000-4000-8000-000000000000', 'not-a-uuid'];
    h.running.db.queries.reset();
    const res = await h.call(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id handle displayName email } } }',
      { r: ids.map((id) => ({ __typename: 'User', id })) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toEqual([
      ...users.map((u) => ({ id: u.user.id, handle: u.user.handle, displayName: u.user.displayName, email: null })),
      null,
      null,
    ]);
    expect(h.running.db.queries.count()).toBe(1);
  });
});

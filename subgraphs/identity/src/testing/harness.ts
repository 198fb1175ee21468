import 'reflect-metadata';
import type { Viewer } from '@wavegraph/auth';
import { startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import { callSubgraph, freshDatabase, freshRedisPrefix, TEST_GATEWAY_SECRET, type GraphQLResponse, type TestDatabase } from '@wavegraph/testkit';
import { identityModule, type IdentityServices } from '../index';

/** Test-only: a running identity subgraph on a fresh database, plus small helpers the specs share. */
export interface Harness {
  running: RunningSubgraph<IdentityServices>;
  database: TestDatabase;
  call<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, viewer?: Viewer | null): Promise<GraphQLResponse<T>>;
  count(table: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startIdentity(database?: TestDatabase): Promise<Harness> {
  const db = database ?? (await freshDatabase('identity'));
  const running = await startSubgraph(identityModule, {
    port: 0,
    databaseUrl: db.url,
    redisUrl: 'redis://127.0.0.1:6379',
    redisPrefix: freshRedisPrefix(),
    gatewaySecret: TEST_GATEWAY_SECRET,
  });
  return {
    running,
    database: db,
    call: (query, variables = {}, viewer = null) => callSubgraph(running.url, query, variables, viewer),
    count: async (table) => Number((await running.db.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n),
    stop: async () => {
      await running.stop();
      if (!database) await db.drop();
    },
  };
}

export const AUTH_FIELDS = 'accessToken accessTokenExpiresAt refreshToken user { id handle displayName email role plan createdAt }';

export const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
export const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`;
export const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { ${AUTH_FIELDS} } }`;
export const LOGOUT = `mutation($t: String!) { logout(refreshToken: $t) }`;

export interface AuthResult {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: { id: string; handle: string; displayName: string; email: string | null; role: string; plan: string; createdAt: string };
}

let counter = 0;

/** Registers a new user with unique email/handle; returns the AuthPayload and the password used. */
export async function registerUser(h: Harness, overrides: Partial<Record<'email' | 'handle' | 'displayName' | 'password', string>> = {}) {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter}`;
  const input = {
    email: `user${suffix}@example.com`,
    handle: `user_${suffix}`,
    displayName: `User ${suffix}`,
    password: 'correct horse battery',
    ...overrides,
  };
  const res = await h.call<{ register: AuthResult }>(REGISTER, { input });
  if (!res.data?.register) throw new Error(`register failed: ${JSON.stringify(res.errors)}`);
  return { ...res.data.register, input };
}

export const viewerOf = (auth: AuthResult): Viewer => ({ id: auth.user.id, role: auth.user.role as Viewer['role'], plan: auth.user.plan as Viewer['plan'] });

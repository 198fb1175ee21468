import 'reflect-metadata';
import type { Viewer } from '@wavegraph/auth';
import { startTestSubgraph, type SubgraphHarness, type TestDatabase } from '@wavegraph/testkit';
import { identityModule, type IdentityServices } from '../index';

/** Test-only: a running identity subgraph on a fresh database, plus small helpers the specs share. */
export type Harness = SubgraphHarness<IdentityServices>;

export const startIdentity = (database?: TestDatabase): Promise<Harness> => startTestSubgraph(identityModule, { database });

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

import type { WavegraphClient } from '@wavegraph/client';
import type { TestSupergraph } from './supergraph';

export interface SignedUp {
  client: WavegraphClient;
  userId: string;
  token: string;
}

/** Registers `handle` through the gateway (e-mail and password derived from it) and returns a client signed in as them. */
export async function signUp(supergraph: Pick<TestSupergraph, 'client'>, handle: string): Promise<SignedUp> {
  const { register } = await supergraph.client().Register({ input: { email: `${handle}@example.com`, handle, displayName: handle, password: `${handle} has a long password` } });
  return { client: supergraph.client(register.accessToken), userId: register.user.id, token: register.accessToken };
}

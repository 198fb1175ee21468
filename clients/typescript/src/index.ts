import { GraphQLClient } from 'graphql-request';
import { getSdk } from './sdk';

export * from './sdk';

export type WavegraphClient = ReturnType<typeof getSdk>;

/** A typed client for the Wavegraph endpoint; pass an access token to act as a user. */
export function createWavegraphClient(endpoint: string, accessToken?: string): WavegraphClient {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  return getSdk(new GraphQLClient(endpoint, { headers }));
}

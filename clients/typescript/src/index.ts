import { GraphQLClient, type RequestMiddleware } from 'graphql-request';
import { getSdk } from './sdk';

export * from './sdk';

export type WavegraphClient = ReturnType<typeof getSdk>;

/**
 * How operations are sent: `text` (the document, plain GraphQL), `hash` (only the sha256 of the
 * document in `extensions.persistedQuery`: the gateway runs it from its trusted-documents manifest
 * or its persisted-query cache) or `hashAndText` (both: registers the document in the gateway's
 * persisted-query cache, where that is allowed).
 */
export type DocumentMode = 'text' | 'hash' | 'hashAndText';

export interface WavegraphClientOptions {
  documents?: DocumentMode;
}

async function sha256Hex(text: string): Promise<string> {
  // Web Crypto: the same code runs in browsers and in Node
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Rewrites the JSON body graphql-request built: the APQ extension, with or without the document text. */
function persistedQueries(mode: Exclude<DocumentMode, 'text'>): RequestMiddleware {
  return async (request) => {
    if (typeof request.body !== 'string') return request;
    const body = JSON.parse(request.body) as { query?: string; extensions?: Record<string, unknown> };
    if (typeof body.query !== 'string') return request;
    const extensions = { ...body.extensions, persistedQuery: { version: 1, sha256Hash: await sha256Hex(body.query) } };
    const sent = mode === 'hash' ? { ...body, query: undefined, extensions } : { ...body, extensions };
    return { ...request, body: JSON.stringify(sent) };
  };
}

/** A typed client for the Wavegraph endpoint; pass an access token to act as a user. */
export function createWavegraphClient(endpoint: string, accessToken?: string, options: WavegraphClientOptions = {}): WavegraphClient {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  const mode = options.documents ?? 'text';
  return getSdk(new GraphQLClient(endpoint, { headers, requestMiddleware: mode === 'text' ? undefined : persistedQueries(mode) }));
}

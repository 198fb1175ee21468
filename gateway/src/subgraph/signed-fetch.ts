import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ENVELOPE_HEADERS } from '@wavegraph/auth';
import type { Signer } from './signer';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * The subgraph fetch of one attempt: signed at the last moment over the exact bytes sent (so
 * each retry is a fresh envelope with its own nonce), and cancelled by the attempt's signal
 * (the overall deadline, or the breaker giving up on it).
 */
export function signedFetch(signer: Signer, attemptSignal: () => AbortSignal | undefined): Fetcher {
  return ((url: string, init?: RequestInit) => {
    const headers = { ...(init?.headers as Record<string, string>) };
    const body = typeof init?.body === 'string' ? init.body : '';
    const signed = signer.request(headers[ENVELOPE_HEADERS.viewer] ?? '', headers[ENVELOPE_HEADERS.requestId] ?? '', body);
    return fetch(url, { ...init, headers: { ...headers, ...signed }, signal: attemptSignal() });
  }) as unknown as Fetcher;
}

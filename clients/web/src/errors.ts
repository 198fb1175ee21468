import type { CombinedError } from '@urql/core';

/** What a person reads for a failed request: the API's own message, or plain words for a network failure. */
export function errorMessage(error: CombinedError | Error | undefined | null): string | null {
  if (!error) return null;
  if ('graphQLErrors' in error) {
    const first = error.graphQLErrors[0];
    if (first) {
      if (first.extensions?.code === 'RATE_LIMITED') return 'Too many attempts. Please wait a moment and try again.';
      return first.message;
    }
    if (error.networkError) return 'Wavegraph cannot be reached right now. Check your connection and try again.';
  }
  return error.message;
}

import { GraphQLError } from 'graphql';
import type { Verdict } from './limiter';

/** `RateLimit` and `RateLimit-Policy` (IETF httpapi draft 7 fields), on every limited response. */
export function rateLimitHeaders(verdict: Verdict): Record<string, string> {
  return {
    'ratelimit-policy': verdict.policy,
    ratelimit: `limit=${verdict.limit}, remaining=${verdict.remaining}, reset=${verdict.resetSeconds}`,
  };
}

/** The refusal: `RATE_LIMITED` with `retryAfter` seconds, answered as HTTP 429 with `Retry-After`. */
export function rateLimited(verdict: Verdict, what: string): GraphQLError {
  const headers = new Map(Object.entries({ ...rateLimitHeaders(verdict), 'retry-after': String(verdict.resetSeconds) }));
  return new GraphQLError(`Too many ${what}; retry in ${verdict.resetSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter: verdict.resetSeconds, http: { status: 429, headers } },
  });
}

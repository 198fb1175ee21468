import type { Viewer } from '@wavegraph/auth';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { rateLimited, rateLimitHeaders } from './rate-limited';
import { operationsLimitOf, type RateLimits } from './rate-limits';

/**
 * Counts every GraphQL request against its caller's plan (per account) or, anonymous, its IP,
 * before anything is parsed: a refused request costs one Redis round trip. A token that fails
 * verification is counted by IP here and refused by the context afterwards.
 */
export function limitOperations(limits: RateLimits, viewerOf: (res: Parameters<RequestHandler>[1]) => Promise<Viewer | null>): RequestHandler {
  return async (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    const viewer = await viewerOf(res).catch(() => null);
    const { limit, key } = operationsLimitOf(limits, viewer, req.ip ?? 'unknown');
    if (!limit) return next();
    const verdict = await limit.take(key);
    res.set(rateLimitHeaders(verdict));
    if (verdict.allowed) return next();
    const error: GraphQLError = rateLimited(verdict, 'requests');
    res
      .status(429)
      .set('retry-after', String(verdict.resetSeconds))
      .json({ errors: [{ message: error.message, extensions: { code: 'RATE_LIMITED', retryAfter: verdict.resetSeconds } }] });
  };
}

import type { Viewer } from '@wavegraph/auth';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { rateLimited, rateLimitHeaders } from './rate-limited';
import { operationsLimitOf, type RateLimits } from './rate-limits';

/** What counting one request decided: headers for the response, and the refusal's body when refused. */
export interface OperationsVerdict {
  headers: Record<string, string>;
  refused?: { status: 429; body: { errors: { message: string; extensions: Record<string, unknown> }[] } };
}

/**
 * Counts one GraphQL request against its caller's plan (per account) or, anonymous, its IP,
 * before anything is parsed: a refused request costs one Redis round trip. A token that fails
 * verification is counted by IP here and refused by the context afterwards.
 */
export async function countOperation(limits: RateLimits, viewer: Promise<Viewer | null>, ip: string): Promise<OperationsVerdict> {
  const { limit, key } = operationsLimitOf(limits, await viewer.catch(() => null), ip);
  if (!limit) return { headers: {} };
  const verdict = await limit.take(key);
  const headers = rateLimitHeaders(verdict);
  if (verdict.allowed) return { headers };
  const error: GraphQLError = rateLimited(verdict, 'requests');
  return {
    headers: { ...headers, 'retry-after': String(verdict.resetSeconds) },
    refused: { status: 429, body: { errors: [{ message: error.message, extensions: { code: 'RATE_LIMITED', retryAfter: verdict.resetSeconds } }] } },
  };
}

/** countOperation as Express middleware. */
export function limitOperations(limits: RateLimits, viewerOf: (res: Parameters<RequestHandler>[1]) => Promise<Viewer | null>): RequestHandler {
  return async (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    const verdict = await countOperation(limits, viewerOf(res), req.ip ?? 'unknown');
    res.set(verdict.headers);
    if (!verdict.refused) return next();
    res.status(verdict.refused.status).json(verdict.refused.body);
  };
}

import { REDIS_RETRY_AFTER_SECONDS } from '@wavegraph/redis';
import { GraphQLError } from 'graphql';

/** Every error a client sees carries a stable extensions.code. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (message: string, field?: string): GraphQLError =>
  appError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (what: string): GraphQLError => appError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this'): GraphQLError => appError('FORBIDDEN', message);
export const unauthenticated = (message = 'You must be signed in'): GraphQLError => appError('UNAUTHENTICATED', message);
export const conflict = (message: string, field?: string): GraphQLError =>
  appError('CONFLICT', message, field ? { field } : {});

/** A dependency (Redis) is away for now: retryable, with `retryAfter` seconds (the gateway answers 503 with Retry-After). */
export const serviceUnavailable = (retryAfter = REDIS_RETRY_AFTER_SECONDS): GraphQLError =>
  appError('SERVICE_UNAVAILABLE', `This service is temporarily unavailable; retry in ${retryAfter} s`, { retryAfter });

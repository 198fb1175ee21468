import { unwrapResolverError } from '@apollo/server/errors';
import { coercionField } from '@wavegraph/auth';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isTokenLimitError, QueryTooComplexError } from './limits';

/** Codes a client may see with their original message; everything else is masked. */
const PUBLIC_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'QUERY_TOO_COMPLEX',
  'SUBGRAPH_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'TOO_MANY_SUBSCRIPTIONS',
  'OPERATION_NOT_TRUSTED', 'DEADLINE_EXCEEDED', 'IDEMPOTENCY_KEY_IN_USE', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_INVALID',
]);

/**
 * Extensions a client may see besides the code: the argument at fault, the subgraph, what an
 * operation cost against its budget, when to retry, which quota a request would exceed
 * (its limit, what is used and what was asked for), the line at fault in an uploaded file and
 * the chapter at fault in a list of chapters. A bad variable (an unknown enum value) gets its field too.
 */
const PUBLIC_EXTENSIONS = ['field', 'reason', 'row', 'serviceName', 'cost', 'budget', 'retryAfter', 'quota', 'limit', 'used', 'requested', 'line', 'chapter'] as const;

/**
 * Apollo Server reports parse and validation failures as GRAPHQL_PARSE_FAILED and
 * GRAPHQL_VALIDATION_FAILED whatever their cause; the limits' refusals say QUERY_TOO_COMPLEX.
 */
function codeOf(formatted: GraphQLFormattedError, error: unknown): unknown {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof QueryTooComplexError || isTokenLimitError(original)) return 'QUERY_TOO_COMPLEX';
  return formatted.extensions?.code;
}

/** Every error leaves with an extensions.code and never with a stack trace or an internal URL. */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = codeOf(formatted, error);
    const location = { path: formatted.path, locations: formatted.locations };
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      for (const name of PUBLIC_EXTENSIONS) {
        if (formatted.extensions?.[name] !== undefined) extensions[name] = formatted.extensions[name];
      }
      if (code === 'BAD_USER_INPUT' && extensions.field === undefined) {
        const field = coercionField(formatted.message);
        if (field) extensions.field = field;
      }
      return { message: formatted.message, ...location, extensions };
    }
    log.error({ err: unwrapResolverError(error), path: formatted.path, code }, 'unexpected error');
    return { message: 'Internal server error', ...location, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

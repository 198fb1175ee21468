import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** Codes a client may see with their original message; everything else is masked. */
const PUBLIC_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX',
  'SUBGRAPH_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'TOO_MANY_SUBSCRIPTIONS',
]);

/** Extensions a client may read beside the code: where the error is, and when to retry. */
const PUBLIC_EXTENSIONS = ['field', 'serviceName', 'retryAfter'] as const;

/** Every error leaves with an extensions.code and never with a stack trace or an internal URL. */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const location = { path: formatted.path, locations: formatted.locations };
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      for (const name of PUBLIC_EXTENSIONS) if (formatted.extensions?.[name] !== undefined) extensions[name] = formatted.extensions[name];
      return { message: formatted.message, ...location, extensions };
    }
    log.error({ err: unwrapResolverError(error), path: formatted.path, code }, 'unexpected error');
    return { message: 'Internal server error', ...location, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

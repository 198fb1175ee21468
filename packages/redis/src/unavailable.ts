/**
 * Whether an error means "Redis cannot answer right now" (away, restarting, unreachable), as
 * opposed to a wrong command or a bug: the caller may then answer a retryable
 * SERVICE_UNAVAILABLE (HTTP 503 with Retry-After) instead of an internal error.
 *
 * ioredis rejects a command of a connection that cannot reach Redis in one of a few ways,
 * depending on the connection's profile (connect.ts): after its retries
 * (MaxRetriesPerRequestError), at once without an offline queue, after `commandTimeout`, or
 * when the connection closes under it. It gives these no code of their own, so they are told
 * by class name and message (the messages are ioredis 5's constants). Server replies (WRONGTYPE,
 * NOSCRIPT, OOM...) are ReplyErrors and never count.
 */

/** Seconds a client is told to wait (`Retry-After`, `extensions.retryAfter`): about how long a Redis restart takes. */
export const REDIS_RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'AbortError', 'ClusterAllFailedError']);
const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command timed out',
  'Command aborted due to connection close',
];

function isOwn(error: Error): boolean {
  if (error.name === 'ReplyError') return false;
  return UNAVAILABLE_NAMES.has(error.name) || UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message));
}

/** True when `error`, or what it wraps (`originalError` of a GraphQL error, `cause`), is Redis being unavailable. */
export function isRedisUnavailable(error: unknown): boolean {
  let current: unknown = error;
  // a few levels of wrapping at most: resolver error → service error → ioredis error
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (isOwn(current)) return true;
    const wrapped = current as Error & { originalError?: unknown };
    current = wrapped.originalError ?? wrapped.cause;
  }
  return false;
}

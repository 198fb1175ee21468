/**
 * Every Redis connection error in the process lands here: counted per connection name and error
 * code (the metrics read `redisErrorCounts()`), handed to `onRedisError` listeners, and logged,
 * rate-limited per connection: a Redis that is away for a minute makes a reconnecting client
 * fail many times a second, and one line per window with the number left out says as much.
 */

/** The part of a pino logger this module writes to. */
export interface RedisErrorLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface RedisErrorEvent {
  /** The connection's name as given to the factory (without the `wavegraph:` of CLIENT LIST). */
  connection: string;
  /** The error's `code` (ECONNREFUSED, ETIMEDOUT, ...) or, without one, its class name. */
  code: string;
  error: Error;
}

export interface RedisErrorCount {
  connection: string;
  code: string;
  count: number;
}

export interface RedisErrorLogOptions {
  /** At most one line per connection in this long, after the first. Default 10 s. */
  windowMs?: number;
}

/** Until a process sets its logger: JSON lines on stderr, silent under Jest unless LOG_LEVEL is set. */
const stderrLog: RedisErrorLog = {
  warn: (fields, message) => writeLine(40, fields, message),
  info: (fields, message) => writeLine(30, fields, message),
};

function writeLine(level: number, fields: object, message: string): void {
  const configured = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  if (configured === 'silent' || (level < 40 && !['info', 'debug', 'trace'].includes(configured))) return;
  const err = (fields as { err?: Error }).err;
  const line = { level, time: Date.now(), name: 'redis', ...fields, ...(err ? { err: { type: err.name, message: err.message, code: (err as { code?: unknown }).code } } : {}), msg: message };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

interface ConnectionState {
  /** When the last line was written for this connection. */
  loggedAt: number;
  /** Errors not logged since that line. */
  suppressed: number;
  /** Errors since the connection was last ready (said once it is ready again). */
  sinceReady: number;
}

let sink: RedisErrorLog = stderrLog;
let windowMs = 10_000;
const counts = new Map<string, Map<string, number>>();
const states = new Map<string, ConnectionState>();
const listeners = new Set<(event: RedisErrorEvent) => void>();
/** BullMQ re-emits the very error its connection emitted: the second report of one error is ignored. */
const reported = new WeakSet<Error>();

/** Sets where Redis errors are logged (the process's pino logger), once at startup. */
export function setRedisErrorLog(log: RedisErrorLog, options: RedisErrorLogOptions = {}): void {
  sink = log;
  if (options.windowMs !== undefined) windowMs = options.windowMs;
}

export const redisErrorCode = (error: Error): string => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code ? code : error.name || 'Error';
};

/**
 * Records one error of a connection: counts it, tells the listeners, and logs it unless this
 * connection already logged within the window. Factory-made connections call it from their one
 * error listener; BullMQ's queues and workers re-emit their connections' errors, and pass them here.
 */
export function reportRedisError(connection: string, error: Error, log: RedisErrorLog = sink): void {
  if (reported.has(error)) return;
  reported.add(error);
  const code = redisErrorCode(error);
  const byCode = counts.get(connection) ?? new Map<string, number>();
  counts.set(connection, byCode.set(code, (byCode.get(code) ?? 0) + 1));
  for (const listener of listeners) {
    try {
      listener({ connection, code, error });
    } catch {
      // a listener's own failure must not stop the others or the log line
    }
  }
  const now = Date.now();
  const state = states.get(connection) ?? { loggedAt: Number.NEGATIVE_INFINITY, suppressed: 0, sinceReady: 0 };
  states.set(connection, state);
  state.sinceReady += 1;
  if (now - state.loggedAt < windowMs) {
    state.suppressed += 1;
    return;
  }
  log.warn({ err: error, redisConnection: connection, code, suppressed: state.suppressed }, `Redis connection ${connection}: ${error.message}`);
  state.loggedAt = now;
  state.suppressed = 0;
}

/** A connection that had errors is ready again: one line with how many there were. */
export function reportRedisReady(connection: string, log: RedisErrorLog = sink): void {
  const state = states.get(connection);
  if (!state?.sinceReady) return;
  log.info({ redisConnection: connection, errors: state.sinceReady }, `Redis connection ${connection} is ready again`);
  state.sinceReady = 0;
  state.suppressed = 0;
  state.loggedAt = Number.NEGATIVE_INFINITY;
}

/** Errors so far, per connection name and error code (what a metrics endpoint exports). */
export function redisErrorCounts(): RedisErrorCount[] {
  const rows: RedisErrorCount[] = [];
  for (const [connection, byCode] of counts) for (const [code, count] of byCode) rows.push({ connection, code, count });
  return rows;
}

/** Calls `listener` for every Redis error from now on; returns the function that stops it. */
export function onRedisError(listener: (event: RedisErrorEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Forgets counts and rate-limit windows (tests). */
export function resetRedisErrors(): void {
  counts.clear();
  states.clear();
}

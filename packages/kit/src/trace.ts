import { AsyncLocalStorage } from 'node:async_hooks';
import { currentTraceHeaders } from '@wavegraph/telemetry';

/** What ties an event or a log line back to the request that caused it. */
export interface TraceContext {
  requestId?: string;
  /** W3C trace context, when the caller sent one. */
  traceparent?: string;
}

const store = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` with `trace` visible to everything it calls, across awaits. */
export function runWithTrace<T>(trace: TraceContext, fn: () => T): T {
  return store.run(trace, fn);
}

/** The trace of the request being served, or an empty one outside any request. */
export function currentTrace(): TraceContext {
  return store.getStore() ?? {};
}

/**
 * The trace that work started now carries to another process (an event, a job): the request id,
 * and the trace to continue, the span running now when tracing is on (so the work's spans are its
 * children), else the traceparent the request came with.
 */
export function carriedTrace(): TraceContext {
  const { requestId, traceparent } = currentTrace();
  const active = currentTraceHeaders().traceparent ?? traceparent;
  return { ...(requestId ? { requestId } : {}), ...(active ? { traceparent: active } : {}) };
}

/** The trace id a W3C traceparent names (`00-<trace id>-<span id>-<flags>`), if it is one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent) : null;
  return match && match[1] !== '0'.repeat(32) ? match[1] : undefined;
}

import { AsyncLocalStorage } from 'node:async_hooks';

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

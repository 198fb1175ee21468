import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { tracing } from './start';

const tracer = () => trace.getTracer('wavegraph');

/** The W3C `traceparent` (and `tracestate`) of the span running now, to carry in an event or job. */
export function currentTraceHeaders(): { traceparent?: string; tracestate?: string } {
  if (!tracing()) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) } : {};
}

/** The trace context a `traceparent` carried from another process names. */
export function contextFrom(headers: { traceparent?: string; tracestate?: string }): Context {
  return headers.traceparent ? propagation.extract(context.active(), headers) : context.active();
}

export interface SpanOptions {
  kind?: 'internal' | 'producer' | 'consumer' | 'client';
  attributes?: Attributes;
  /** The trace it continues, when it comes from another process (an event, a job). */
  parent?: { traceparent?: string; tracestate?: string };
  /** Starts a trace of its own (work that no request of this process caused, like a subscription event). */
  root?: boolean;
}

const parentOf = (options: SpanOptions): Context => (options.root ? ROOT_CONTEXT : options.parent ? contextFrom(options.parent) : context.active());

const KINDS = { internal: SpanKind.INTERNAL, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER, client: SpanKind.CLIENT };

/**
 * Runs `fn` in a span named `name` (ended when `fn` settles; an error marks it failed and is
 * rethrown). With tracing off this is `fn()` and nothing else.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span?: Span) => Promise<T>): Promise<T> {
  if (!tracing()) return fn();
  return tracer().startActiveSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: options.attributes }, parentOf(options), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The id of the trace running now, for a log line or a response header; undefined when none. */
export function currentTraceId(): string | undefined {
  if (!tracing()) return undefined;
  const id = trace.getSpanContext(context.active())?.traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

/** A span begun now and ended by its owner (a step that is not one call, like one event of a pipelined batch). */
export interface OpenSpan {
  setAttribute(name: string, value: string | number | boolean): void;
  end(error?: unknown): void;
}

const NO_SPAN: OpenSpan = { setAttribute: () => undefined, end: () => undefined };

/** Begins a span (a child of `options.parent`, or of the span running now); with tracing off, a no-op. */
export function openSpan(name: string, options: SpanOptions = {}): OpenSpan {
  if (!tracing()) return NO_SPAN;
  const span = tracer().startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: options.attributes }, parentOf(options));
  return {
    setAttribute: (key, value) => span.setAttribute(key, value),
    end: (error) => {
      if (error !== undefined) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      }
      span.end();
    },
  };
}

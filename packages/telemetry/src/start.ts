import type { Instrumentation } from '@opentelemetry/instrumentation';

/** What startTelemetry started: whether spans are recorded, and how to flush them before exit. */
export interface Telemetry {
  readonly enabled: boolean;
  /** Exports what is buffered and stops; safe to call more than once. */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { enabled: false, shutdown: async () => undefined };
let running: Telemetry = OFF;

/**
 * Tracing is on when the standard variables name an exporter: `OTEL_TRACES_EXPORTER` (other than
 * `none`), or an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`);
 * `OTEL_SDK_DISABLED=true` turns it off whatever else is set. Off by default: nothing is exported
 * anywhere unless an operator says where.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter) return exporter.split(',').some((name) => name.trim() !== 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Requests that say nothing about the product: probes and scrapes are not traced. */
const UNTRACED_PATHS = /^\/(health|ready|metrics)(\/|\?|$)/;

function instrumentations(): Instrumentation[] {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino') as typeof import('@opentelemetry/instrumentation-pino');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
    new ExpressInstrumentation(),
    // one span per operation phase and per non-trivial resolver, not one per field of every list item
    new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true, depth: 4 }),
    new PgInstrumentation({ requireParentSpan: true }),
    // a blocking XREADGROUP outside any request would otherwise be a trace of its own every few seconds
    new IORedisInstrumentation({ requireParentSpan: true }),
    // the gateway's subgraph calls: a client span each, and the traceparent header the subgraph continues
    new UndiciInstrumentation(),
    // trace_id and span_id on every log line written inside a span; logs stay on stdout
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

/**
 * Starts OpenTelemetry for this process, before the modules it instruments are loaded: call it
 * first in a process's entry file. With tracing not configured (see tracingConfigured) it loads
 * nothing and every helper here is a plain function call, so tracing off costs nothing measurable.
 * The SDK reads the rest from the standard variables: `OTEL_SERVICE_NAME` (default `serviceName`),
 * `OTEL_EXPORTER_OTLP_*`, `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_BSP_*`, `OTEL_RESOURCE_ATTRIBUTES`.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Telemetry {
  if (running.enabled || !tracingConfigured(env)) return running;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME || serviceName, instrumentations: instrumentations() });
  sdk.start();
  let stopped: Promise<void> | undefined;
  running = { enabled: true, shutdown: () => (stopped ??= sdk.shutdown().catch(() => undefined)) };
  return running;
}

/** Whether this process records spans. */
export const tracing = (): boolean => running.enabled;

/** Flushes and stops tracing, if it runs (a process calls it on its way out). */
export const shutdownTelemetry = (): Promise<void> => running.shutdown();

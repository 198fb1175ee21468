import { tracing } from '@wavegraph/telemetry';
import pino, { type Logger } from 'pino';
import { envString } from './config';
import { currentTrace, traceIdOf } from './trace';

export type { Logger };

/**
 * What every line written while serving a request, an event or a job says of it: the request id,
 * and the trace id (with tracing on the OpenTelemetry instrumentation adds `trace_id` and
 * `span_id` itself; off, the trace id comes from the traceparent the work arrived with).
 */
function correlation(): Record<string, string> {
  const { requestId, traceparent } = currentTrace();
  const traceId = tracing() ? undefined : traceIdOf(traceparent);
  return { ...(requestId ? { requestId } : {}), ...(traceId ? { trace_id: traceId } : {}) };
}

/** JSON logs, one line per event; secrets never reach them (see redact). */
export function createLogger(service: string, destination?: pino.DestinationStream): Logger {
  return pino({
    name: service,
    level: envString('LOG_LEVEL', process.env.JEST_WORKER_ID ? 'silent' : 'info'),
    mixin: correlation,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  }, destination as pino.DestinationStream);
}

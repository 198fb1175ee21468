import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { currentTraceId } from '@wavegraph/telemetry';
import type { Logger } from 'pino';
import type { AccessRecord, GatewayContext } from '../context';
import { traceparentOf } from './request-id';

/** Probes and scrapes say nothing about traffic: they get no line. */
const UNLOGGED = /^\/(health|ready|metrics)(\/|\?|$)/;

const records = new WeakMap<IncomingMessage, AccessRecord>();

/** The record of `req`'s line, for its GraphQL context (undefined when the request gets no line). */
export const accessRecordOf = (req: IncomingMessage): AccessRecord | undefined => records.get(req);

/**
 * One JSON line per request the gateway answers (`"msg":"access"`): method, path (never the query
 * string, which may carry a GET operation's variables), status, duration, request id, trace id,
 * and for GraphQL the operation name, the viewer's id and every error code. Written at `info`
 * whatever LOG_LEVEL says (GATEWAY_ACCESS_LOG=off turns it off), when the response has been sent
 * or the client went away.
 */
export function accessLog(log: Logger, enabled: boolean): { begin(req: IncomingMessage, res: ServerResponse): void; plugin: ApolloServerPlugin<GatewayContext> } {
  // at info whatever LOG_LEVEL says, unless logging is off altogether
  const lines = log.level === 'silent' ? log : log.child({}, { level: 'info' });
  const begin = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    if (!enabled || UNLOGGED.test(url)) return;
    const started = performance.now();
    // with tracing on, the request's span is the current one here; off, the client's traceparent names the trace
    const traceId = currentTraceId() ?? traceparentOf(req.headers.traceparent)?.slice(3, 35);
    const record: AccessRecord = {};
    records.set(req, record);
    res.once('close', () => {
      const question = url.indexOf('?');
      lines.info(
        {
          method: req.method,
          path: question === -1 ? url : url.slice(0, question),
          status: res.writableFinished ? res.statusCode : 499,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          requestId: res.getHeader('x-request-id'),
          ...(traceId ? { traceId } : {}),
          ...record,
        },
        'access',
      );
    });
  };
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      const record = contextValue.access;
      if (!record) return {};
      return {
        async willSendResponse({ operationName, response, contextValue: context }) {
          if (operationName) record.operationName = operationName;
          if (context.viewer) record.viewerId = context.viewer.id;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          if (errors?.length) record.errorCodes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
        },
      };
    },
  };
  return { begin, plugin };
}

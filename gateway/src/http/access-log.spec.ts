import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logLines } from '@wavegraph/testkit';
import pino from 'pino';
import type { AccessRecord, GatewayContext } from '../context';
import { accessLog, accessRecordOf } from './access-log';

function captured() {
  const { stream, lines } = logLines();
  // a production logger at warn: access lines are still written
  return { log: pino({ level: 'warn' }, stream), lines };
}

/** A server that begins each request's line, then answers as `handle` says. */
async function serve(log: pino.Logger, handle: (record: AccessRecord | undefined, res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const access = accessLog(log, true);
  const server = createServer((req, res) => {
    access.begin(req, res);
    res.setHeader('x-request-id', 'req-7');
    handle(accessRecordOf(req), res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 100 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('the gateway access log', () => {
  let server: Server | undefined;
  afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

  it('writes one line per request with its outcome, ids and GraphQL part, never the query string', async () => {
    const { log, lines } = captured();
    const started = await serve(log, (record, res) => {
      Object.assign(record!, { operationName: 'Episodes', viewerId: 'u1', errorCodes: ['BAD_USER_INPUT'] });
      res.statusCode = 200;
      res.end('{}');
    });
    server = started.server;
    await fetch(`${started.url}/graphql?query=%7Bsecret%7D`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    await until(() => lines.length === 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'access',
      method: 'GET',
      path: '/graphql',
      status: 200,
      requestId: 'req-7',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      operationName: 'Episodes',
      viewerId: 'u1',
      errorCodes: ['BAD_USER_INPUT'],
    });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('secret');
  });

  it('says 499 for a client that went away before its answer, and writes nothing for probes', async () => {
    const { log, lines } = captured();
    const started = await serve(log, (_record, res) => {
      if (res.req.url === '/health') return res.end('ok');
      // never answered: the client gives up
    });
    server = started.server;
    await fetch(`${started.url}/health`);
    await new Promise<void>((resolve) => {
      const req = request(`${started.url}/graphql`, { method: 'POST' });
      req.on('error', () => resolve());
      req.end('{}');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await until(() => lines.length === 1);
    expect(lines.map((l) => [l.path, l.status])).toEqual([['/graphql', 499]]);
  });

  it("fills in the operation, the viewer and every error's code from Apollo Server's answer", async () => {
    const { log } = captured();
    const { plugin } = accessLog(log, true);
    const record: AccessRecord = {};
    const contextValue = { viewer: { id: 'u9', role: 'USER', plan: 'FREE' }, requestId: 'r', access: record } as GatewayContext;
    const hooks = await plugin.requestDidStart!({ contextValue } as never);
    await (hooks as { willSendResponse(context: unknown): Promise<void> }).willSendResponse({
      operationName: 'Like',
      contextValue,
      response: { body: { kind: 'single', singleResult: { errors: [{ message: 'x', extensions: { code: 'FORBIDDEN' } }, { message: 'y' }] } } },
    });
    expect(record).toEqual({ operationName: 'Like', viewerId: 'u9', errorCodes: ['FORBIDDEN', 'INTERNAL_SERVER_ERROR'] });
  });

  it('is off with GATEWAY_ACCESS_LOG=off', async () => {
    const { log, lines } = captured();
    const access = accessLog(log, false);
    const listening = createServer((req, res) => {
      access.begin(req, res);
      res.end();
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toEqual([]);
  });
});

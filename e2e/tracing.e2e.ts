import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postGraphQL } from './support/graphql';
import { startNpmStart, until, type NpmStart } from './support/npm-start';

// beside a developer's stack (4000…) and the other scenario stacks
const PORT_OFFSET = 2700;

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[];
  }[];
}

/** A query span of the pg instrumentation (old and stable semantic conventions). */
const isSql = (span: Span) => (span.attributes['db.system.name'] ?? span.attributes['db.system']) === 'postgresql' && /^pg\.query/.test(span.name);
const sqlOf = (span: Span) => String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '');

const valueOf = (v: OtlpValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** An OTLP/HTTP JSON receiver (what a collector is to the processes): every span every process exports. */
async function otlpReceiver(): Promise<{ url: string; spans: Span[]; close(): Promise<void> }> {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        for (const resource of body.resourceSpans ?? []) {
          const service = String(attributesOf(resource.resource?.attributes)['service.name']);
          for (const scope of resource.scopeSpans ?? []) {
            for (const s of scope.spans ?? []) {
              spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, attributes: attributesOf(s.attributes) });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A W3C traceparent for a trace the test starts, as a browser with tracing would send it. */
const newTraceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
};

/**
 * One trace across processes: what a client request causes in the gateway, the subgraph it
 * reaches, its SQL, the outbox relay and every consumer of the event, all with the standard
 * OTEL_* variables pointing the real processes (as `npm start` runs them) at a collector.
 */
describe('distributed tracing', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let stack: NpmStart;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    stack = await startNpmStart('trace', PORT_OFFSET, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  }, 60_000);

  const call = async (query: string, variables: object, token?: string, traceparent?: string) => {
    const res = await postGraphQL(stack.gatewayUrl, query, { token, variables, headers: traceparent ? { traceparent } : {} });
    expect(res.body.errors).toBeUndefined();
    return res.body.data as Record<string, Record<string, unknown>>;
  };

  it('follows a publish from the client through the gateway, catalog and its SQL, the relay, and every consumer of the event', async () => {
    const { register } = await call('mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
      input: { email: 'tracer@example.com', handle: 'tracer', displayName: 'Tracer', password: 'a traced long password' },
    });
    const token = String(register.accessToken);
    const { createShow } = await call('mutation ($input: CreateShowInput!) { createShow(input: $input) { id } }', { input: { slug: 'traced', title: 'Traced', category: 'SCIENCE', language: 'en' } }, token);
    const { createEpisode } = await call('mutation ($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId: createShow.id, title: 'Followed', description: '' } }, token);

    const client = newTraceparent();
    await call('mutation ($id: ID!) { publishEpisode(id: $id) { id status } }', { id: createEpisode.id }, token, client.header);

    const inTrace = () => receiver.spans.filter((s) => s.traceId === client.traceId);
    // engagement, discovery and notifications all consume catalog's EpisodePublished
    const consumers = await until(
      'the consumers of EpisodePublished to export their spans',
      () => {
        const found = inTrace().filter((s) => s.kind === CONSUMER && s.name === 'consume catalog.EpisodePublished');
        return new Set(found.map((s) => s.service)).size >= 3 ? found : undefined;
      },
      30_000,
    );
    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (span: Span) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);
    const ancestors = (span: Span) => {
      const chain: Span[] = [];
      for (let p = parentOf(span); p; p = parentOf(p)) chain.push(p);
      return chain;
    };

    // the gateway continues the client's trace: its server span is the child of the client's span
    const gatewayServer = spans.find((s) => s.service === 'gateway' && s.kind === SERVER);
    expect(gatewayServer?.parentSpanId).toBe(client.spanId);
    // its call to catalog is a client span under it, and catalog's server span continues that call
    const toCatalog = spans.find((s) => s.service === 'gateway' && s.kind === CLIENT && String(s.attributes['url.full'] ?? s.attributes['server.port'] ?? '').includes(String(4002 + PORT_OFFSET)));
    expect(toCatalog).toBeDefined();
    expect(ancestors(toCatalog!)).toContain(gatewayServer);
    const catalogServer = spans.find((s) => s.service === 'catalog' && s.kind === SERVER && s.parentSpanId === toCatalog!.spanId);
    expect(catalogServer).toBeDefined();
    // catalog's SQL (the publish and its outbox row) is under its server span
    const catalogSql = spans.filter((s) => s.service === 'catalog' && isSql(s) && ancestors(s).includes(catalogServer!));
    expect(catalogSql.some((s) => /outbox/i.test(sqlOf(s)))).toBe(true);
    // the relay's XADD is a producer span of the same trace, in catalog's process, with the Redis command under it or beside it
    const relay = spans.find((s) => s.service === 'catalog' && s.kind === PRODUCER && s.name === 'relay catalog.EpisodePublished');
    expect(relay).toBeDefined();
    expect(ancestors(relay!)).toContain(catalogServer);
    // each consumer's handler runs in its own process, under the span that wrote the event, and its SQL under it
    for (const consumer of consumers) {
      expect(['engagement', 'discovery', 'notifications', 'media']).toContain(consumer.service);
      expect(ancestors(consumer)).toContain(catalogServer);
      const handlerSql = spans.filter((s) => s.service === consumer.service && isSql(s) && ancestors(s).includes(consumer));
      expect(handlerSql.length).toBeGreaterThan(0);
    }
  }, 90_000);
});

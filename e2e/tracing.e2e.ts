import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribeOverWebSocket } from '@wavegraph/testkit';
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

  /** A signed-in creator with a published episode. */
  async function creatorWithEpisode(handle: string): Promise<{ token: string; episodeId: string }> {
    const { register } = await call('mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
      input: { email: `${handle}@example.com`, handle, displayName: handle, password: `${handle} has a traced long password` },
    });
    const token = String(register.accessToken);
    const { createShow } = await call('mutation ($input: CreateShowInput!) { createShow(input: $input) { id } }', { input: { slug: `${handle}-show`, title: handle, category: 'SCIENCE', language: 'en' } }, token);
    const { createEpisode } = await call('mutation ($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId: createShow.id, title: `${handle} live`, description: '' } }, token);
    return { token, episodeId: String(createEpisode.id) };
  }

  const tree = (spans: Span[]) => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    return (span: Span) => {
      const chain: Span[] = [];
      for (let p = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) chain.push(p);
      return chain;
    };
  };

  it('follows an upload from the client through the gateway to media, then every processing step and its ffmpeg runs', async () => {
    const { token, episodeId } = await creatorWithEpisode('uploader');
    const dir = mkdtempSync(path.join(tmpdir(), 'wgtrace-'));
    const source = path.join(dir, 'tone.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-b:a', '64k', '-y', source]);
    const bytes = readFileSync(source);
    rmSync(dir, { recursive: true, force: true });
    // media learns of the episode from catalog's events
    const ticket = await until(
      'media to know the episode',
      async () => {
        const res = await postGraphQL(stack.gatewayUrl, 'mutation ($input: CreateUploadInput!) { createUpload(input: $input) { uploadUrl token } }', {
          token,
          variables: { input: { episodeId, filename: 'tone.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg' } },
        });
        return res.body.errors ? undefined : (res.body.data?.createUpload as { uploadUrl: string; token: string });
      },
      30_000,
    );

    const client = newTraceparent();
    const patch = await fetch(ticket.uploadUrl, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'x-upload-token': ticket.token, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', traceparent: client.header },
      body: bytes,
    });
    expect(patch.status).toBe(204);
    await until(
      'the media to be READY',
      async () => {
        const data = await call('query ($id: ID!) { episode(id: $id) { media { status } } }', { id: episodeId }, token);
        return (data.episode?.media as { status?: string } | undefined)?.status === 'READY' ? true : undefined;
      },
      90_000,
    );
    const stepsSeen = await until(
      'every processing step to export its span',
      () => {
        const steps = receiver.spans.filter((s) => s.traceId === client.traceId && s.kind === CONSUMER && s.name.startsWith('media '));
        return steps.some((s) => s.name === 'media finalize') ? steps : undefined;
      },
      30_000,
    );
    const spans = receiver.spans.filter((s) => s.traceId === client.traceId);
    const ancestors = tree(spans);

    // the gateway streams the PATCH to media: its server span continues the client's, media's continues the gateway's call
    const gatewayServer = spans.find((s) => s.service === 'gateway' && s.kind === SERVER);
    expect(gatewayServer?.parentSpanId).toBe(client.spanId);
    const mediaServer = spans.find((s) => s.service === 'media' && s.kind === SERVER);
    expect(mediaServer).toBeDefined();
    expect(ancestors(mediaServer!)).toContain(gatewayServer);
    // every step of the flow is a span under the request that finished the upload, in the worker's processes
    expect(new Set(stepsSeen.map((s) => s.name))).toEqual(new Set(['media synthesize', 'media probe', 'media loudness', 'media renditions', 'media video', 'media hls', 'media waveform', 'media thumbnail', 'media storyboard', 'media transcribe', 'media finalize']));
    for (const step of stepsSeen) {
      expect(step.service).not.toBe('media');
      expect(ancestors(step)).toContain(mediaServer);
    }
    // and the tools each step ran are spans of that step
    const probe = stepsSeen.find((s) => s.name === 'media probe')!;
    const loudness = stepsSeen.find((s) => s.name === 'media loudness')!;
    expect(spans.some((s) => s.name === 'ffprobe' && ancestors(s).includes(probe))).toBe(true);
    expect(spans.filter((s) => s.name === 'ffmpeg' && ancestors(s).includes(loudness)).length).toBeGreaterThanOrEqual(2);
  }, 150_000);

  it('follows a subscription event through the gateway: its completion by the other subgraphs, their SQL, and the fan-out', async () => {
    const { token, episodeId } = await creatorWithEpisode('streamer');
    await call('mutation ($id: ID!) { publishEpisode(id: $id) { id } }', { id: episodeId }, token);
    const live = subscribeOverWebSocket<{ commentAdded: { body: string; author: { handle: string }; episode: { title: string } } }>(
      stack.gatewayUrl,
      'subscription ($e: ID!) { commentAdded(episodeId: $e) { body author { handle } episode { title } } }',
      { e: episodeId },
    );
    try {
      // engagement accepts comments once it learned of the publication; the subscriber hears one of them
      const received = await until(
        'a comment to reach the subscriber',
        async () => {
          await postGraphQL(stack.gatewayUrl, 'mutation ($e: ID!, $b: String!) { postComment(episodeId: $e, body: $b) { id } }', { token, variables: { e: episodeId, b: 'traced live' } });
          return live.results.length > 0 ? live.results : undefined;
        },
        30_000,
      );
      expect(received[0].data?.commentAdded).toEqual({ body: 'traced live', author: { handle: 'streamer' }, episode: { title: 'streamer live' } });
      const event = await until(
        "the gateway's event span and its fetches",
        () => {
          const found = receiver.spans.find((s) => s.service === 'gateway' && s.name === 'gateway.subscription.event');
          return found && receiver.spans.some((s) => s.traceId === found.traceId && s.service === 'identity' && isSql(s)) ? found : undefined;
        },
        30_000,
      );
      const spans = receiver.spans.filter((s) => s.traceId === event.traceId);
      const ancestors = tree(spans);
      // a trace of its own, begun by the event
      expect(event.parentSpanId).toBeUndefined();
      expect(event.kind).toBe(CONSUMER);
      expect(event.attributes['wavegraph.subscribers']).toBe(1);
      // the author's handle and the episode's title are fetched from identity and catalog, under the event, with their SQL
      for (const service of ['identity', 'catalog']) {
        const server = spans.find((s) => s.service === service && s.kind === SERVER);
        expect(server && ancestors(server)).toContain(event);
        expect(spans.some((s) => s.service === service && isSql(s) && ancestors(s).includes(server!))).toBe(true);
      }
      expect(spans.find((s) => s.name === 'gateway.subscription.fanout')?.parentSpanId).toBe(event.spanId);
    } finally {
      await live.close();
    }
  }, 90_000);

  it('follows a publish from the client through the gateway, catalog and its SQL, the relay, and every consumer of the event', async () => {
    const { token, episodeId } = await creatorWithEpisode('tracer');
    const client = newTraceparent();
    await call('mutation ($id: ID!) { publishEpisode(id: $id) { id status } }', { id: episodeId }, token, client.header);

    const inTrace = () => receiver.spans.filter((s) => s.traceId === client.traceId);
    // engagement, discovery, notifications, analytics and catalog's own feeds all consume catalog's EpisodePublished
    const consumers = await until(
      'the consumers of EpisodePublished to export their spans',
      () => {
        const found = inTrace().filter((s) => s.kind === CONSUMER && s.name === 'consume catalog.EpisodePublished');
        return new Set(found.map((s) => s.service)).size >= 3 ? found : undefined;
      },
      30_000,
    );
    const spans = inTrace();
    const ancestors = tree(spans);

    // the gateway continues the client's trace: its server span is the child of the client's span
    const gatewayServer = spans.find((s) => s.service === 'gateway' && s.kind === SERVER);
    expect(gatewayServer?.parentSpanId).toBe(client.spanId);
    // its call to catalog is a client span under it, and catalog's server span continues that call
    const toCatalog = spans.find((s) => s.service === 'gateway' && s.kind === CLIENT && String(s.attributes['url.full'] ?? s.attributes['server.port'] ?? '').includes(String(4002 + PORT_OFFSET)));
    expect(toCatalog).toBeDefined();
    const plan = spans.find((s) => s.service === 'gateway' && s.name === 'gateway.plan');
    expect(plan?.attributes['graphql.operation.name']).toBe('');
    expect(ancestors(toCatalog!)).toEqual(expect.arrayContaining([plan, gatewayServer]));
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
      expect(['engagement', 'discovery', 'notifications', 'media', 'catalog', 'analytics']).toContain(consumer.service);
      expect(ancestors(consumer)).toContain(catalogServer);
      const handlerSql = spans.filter((s) => s.service === consumer.service && isSql(s) && ancestors(s).includes(consumer));
      expect(handlerSql.length).toBeGreaterThan(0);
    }
  }, 90_000);
});

import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFromEnv } from './config';
import { startGateway, type RunningGateway } from './server';

/** A stand-in for the media subgraph that records what reached it. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  sha256: string;
  bytes: number;
}

describe('pass-through routes', () => {
  let upstream: Server;
  let gateway: RunningGateway;
  let origin: string;
  const seen: Seen[] = [];
  const stored = randomBytes(64 * 1024);

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, sha256: hash.digest('hex'), bytes });
        if (req.url?.startsWith('/media/')) {
          const [start, end] = (/bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? []).slice(1).map(Number);
          res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${stored.length}`, 'accept-ranges': 'bytes' }).end(stored.subarray(start, end + 1));
          return;
        }
        res.writeHead(204, { 'upload-offset': String(bytes), 'tus-resumable': '1.0.0' }).end();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    gateway = await startGateway({ ...configFromEnv(), port: 0, subgraphUrls: { media: `http://127.0.0.1:${port}/graphql` } });
    origin = gateway.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway.stop();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('streams an upload body to the owning subgraph unchanged, with its tus headers, and answers with its reply', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const res = await fetch(`${origin}/uploads/abc`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'tus-resumable': '1.0.0', 'x-upload-token': 't0k3n' },
      body,
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('upload-offset')).toBe(String(body.length));
    const hit = seen.at(-1)!;
    expect(hit).toMatchObject({ method: 'PATCH', url: '/uploads/abc', bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    expect(hit.headers).toMatchObject({ 'upload-offset': '0', 'tus-resumable': '1.0.0', 'x-upload-token': 't0k3n', 'x-forwarded-host': expect.stringContaining('127.0.0.1') });
  });

  it('passes range requests and partial content through', async () => {
    const res = await fetch(`${origin}/media/asset/aac-128.m4a?exp=1&sig=x`, { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${stored.length}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(stored.subarray(100, 200));
    expect(seen.at(-1)?.url).toBe('/media/asset/aac-128.m4a?exp=1&sig=x');
  });

  /** A request sent byte for byte as given: fetch() would resolve the dot segments before sending. */
  const raw = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(origin);
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject).end();
    });

  it.each([
    ['GET', '/uploads/../ready'],
    ['POST', '/uploads/../graphql'],
    ['GET', '/uploads/%2e%2e/health'],
    ['GET', '/uploads/%2E./graphql'],
    ['GET', '/media/..%2fready'],
    ['GET', '/media/..%5Cready'],
    ['GET', '/media/a\\..\\..\\ready'],
    ['GET', '/uploads/x%00'],
    ['GET', '/uploads/a/../../graphql?x=1'],
  ])('refuses %s %s, which would leave its prefix, without calling the subgraph', async (method, path) => {
    const before = seen.length;
    const res = await raw(method, path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'path not allowed' });
    expect(seen.length).toBe(before);
  });

  it('still forwards dot segments that stay inside the prefix, resolved', async () => {
    expect((await raw('HEAD', '/uploads/x/../abc')).status).toBe(204);
    expect(seen.at(-1)?.url).toBe('/uploads/abc');
  });

  it("drops a client's own x-wavegraph-* headers instead of forwarding them", async () => {
    await raw('HEAD', '/uploads/abc', { 'x-wavegraph-viewer': 'forged', 'x-wavegraph-signature': 'forged', 'x-wavegraph-timestamp': '1', 'tus-resumable': '1.0.0' });
    const forwarded = Object.keys(seen.at(-1)!.headers);
    expect(forwarded.filter((name) => name.startsWith('x-wavegraph-'))).toEqual([]);
    expect(forwarded).toContain('tus-resumable');
  });

  it('answers 502 when the subgraph cannot be reached', async () => {
    const down = await startGateway({ ...configFromEnv(), port: 0, subgraphUrls: { media: 'http://127.0.0.1:1/graphql' } });
    try {
      const res = await fetch(down.url.replace(/\/graphql$/, '/uploads/x'), { method: 'HEAD' });
      expect(res.status).toBe(502);
    } finally {
      await down.stop();
    }
  });
});

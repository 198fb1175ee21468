// An OTLP/HTTP endpoint that takes every export and keeps nothing: what a collector costs the
// gateway, without a collector's own work on the bench's core. It counts the requests and bytes,
// so the report can say the gateway really exported.
import { createServer } from 'node:http';

export async function startOtlpSink() {
  const counts = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk) => (counts.bytes += chunk.length));
    req.on('end', () => {
      counts.requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return { url: `http://127.0.0.1:${server.address().port}`, counts };
}

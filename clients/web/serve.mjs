// Serves the built web app (dist/, from `vite build`) and /config.js telling it where the gateway is.
//   WEB_PORT              port (default 4173, the port the gateway's development CORS allows)
//   WEB_HOST              interface (default 127.0.0.1)
//   WAVEGRAPH_GATEWAY_URL the gateway's GraphQL endpoint (default http://localhost:4000/graphql)
//   WEB_DIST              the built app's directory (default dist/ beside this file)
// node:http and a fixed list of content types are all this needs: the files are static, the
// address is decided at run time, and no request reaches anything outside dist/.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Starts the server; resolves once it listens. */
export function startWebServer({ port = 4173, host = '127.0.0.1', gatewayUrl = 'http://localhost:4000/graphql', dir = DIST } = {}) {
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir}/index.html is missing: build the app first (npm run build in clients/web)`);
  const config = `window.WAVEGRAPH_CONFIG = ${JSON.stringify({ gatewayUrl })};\n`;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://web.invalid').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (pathname === '/config.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' }).end(config);
      return;
    }
    const file = path.resolve(dir, `.${pathname}`);
    const inside = file.startsWith(dir + path.sep);
    const found = inside && existsSync(file) && statSync(file).isFile();
    // the app routes in the fragment (#/studio), so any other path is the app itself
    const target = found ? file : path.join(dir, 'index.html');
    const hashed = found && pathname.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(target).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.WEB_PORT ?? 4173);
  const host = process.env.WEB_HOST ?? '127.0.0.1';
  const gatewayUrl = process.env.WAVEGRAPH_GATEWAY_URL ?? 'http://localhost:4000/graphql';
  const dir = process.env.WEB_DIST ? path.resolve(process.env.WEB_DIST) : DIST;
  startWebServer({ port, host, gatewayUrl, dir }).then(
    () => console.log(`Wavegraph web app on http://${host === '0.0.0.0' ? 'localhost' : host}:${port} (gateway ${gatewayUrl})`),
    (error) => {
      console.error(`✖ ${error.message}`);
      process.exit(1);
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
}

import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import cors from 'cors';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** tus and range headers a browser must be allowed to send and to read. */
const ALLOWED_HEADERS = ['content-type', 'range', 'x-upload-token', 'tus-resumable', 'upload-offset', 'upload-length', 'upload-defer-length', 'upload-metadata', 'upload-concat', 'x-http-method-override', 'x-request-id'];
const EXPOSED_HEADERS = ['location', 'etag', 'last-modified', 'upload-offset', 'upload-length', 'upload-expires', 'upload-metadata', 'tus-resumable', 'tus-version', 'tus-max-size', 'tus-extension', 'content-range', 'accept-ranges', 'content-length', 'retry-after'];

/** Headers only the gateway may set towards a subgraph: a client's own are dropped, never forwarded. */
const GATEWAY_ONLY = /^x-wavegraph-/;

/**
 * The path to forward for a request under `prefix`, or null when it would leave the prefix.
 * The URL is resolved the way the subgraph will resolve it (dot segments, percent-encoded dots),
 * and anything a later decoding step could turn into a separator or a dot segment is refused
 * outright (encoded slashes and backslashes, NUL, raw backslashes), so what is checked is what runs.
 */
export function confinedPath(originalUrl: string, prefix: string): string | null {
  if (/%(2f|5c|00)|\\/i.test(originalUrl.split('?')[0])) return null;
  let resolved: URL;
  try {
    resolved = new URL(originalUrl, 'http://gateway.invalid');
  } catch {
    return null;
  }
  if (resolved.origin !== 'http://gateway.invalid') return null;
  if (resolved.pathname !== prefix && !resolved.pathname.startsWith(`${prefix}/`)) return null;
  return `${resolved.pathname}${resolved.search}`;
}

/** The base URL of a subgraph: its routing URL (override or supergraph) without the /graphql path. */
export function subgraphOrigin(config: GatewayConfig, name: string): string | null {
  let url: string | undefined = config.subgraphUrls[name] ?? config.composeFrom?.find((s) => s.name === name)?.url;
  if (!url && !config.composeFrom) {
    const match = new RegExp(`join__graph\\(name: "${name}", url: "([^"]+)"\\)`).exec(readFileSync(config.supergraphPath, 'utf8'));
    url = match?.[1];
  }
  return url ? url.replace(/\/graphql\/?$/, '') : null;
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse, log: Logger): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !GATEWAY_ONLY.test(name)) headers[name] = value;
  }
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers }, (answer) => {
    const back: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value;
    res.writeHead(answer.statusCode ?? 502, back);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    log.warn({ err: error, target: target.pathname }, 'pass-through request failed');
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'upstream unavailable' }));
    else res.destroy(error);
  });
  // the client went away (a dropped upload): stop the upstream request too, so tus keeps what arrived
  req.on('aborted', () => upstream.destroy());
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/**
 * Routes that are not GraphQL but belong to one subgraph (media's tus uploads and signed
 * playback) are streamed through unchanged, so clients need only the gateway's origin. Bodies
 * are never buffered: an upload of gigabytes passes through in constant memory.
 */
export function mountPassThrough(app: Express, config: GatewayConfig, log: Logger): void {
  for (const { prefix, subgraph } of config.passThrough) {
    const policy = cors({ origin: config.corsOrigins, allowedHeaders: ALLOWED_HEADERS, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 });
    let resolved: string | null | undefined;
    app.use(prefix, policy, (req, res) => {
      const origin = (resolved ??= subgraphOrigin(config, subgraph));
      if (!origin) {
        res.status(502).json({ error: `no ${subgraph} subgraph in this supergraph` });
        return;
      }
      const target = confinedPath(req.originalUrl, prefix);
      if (!target) {
        res.status(400).json({ error: 'path not allowed' });
        return;
      }
      forward(new URL(target, origin), req, res, log);
    });
  }
}

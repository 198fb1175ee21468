import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SubgraphModule } from '@wavegraph/kit';
import type { RenderedFeed } from './feed.cache';
import type { FeedService } from './feed.service';

type App = Parameters<NonNullable<SubgraphModule<unknown>['routes']>>[0];

/** `/feeds/<slug>.xml`, or a private feed `/feeds/<slug>/<token>.xml`. */
const FEED_PATH = /^\/feeds\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/([A-Za-z0-9_-]{1,100}))?\.xml$/;
const CACHE_CONTROL = 'public, max-age=300';
/** A private feed is one listener's: no shared cache keeps it, and a revoked token ends it at once. */
const PRIVATE_CACHE_CONTROL = 'private, no-cache';

function answer(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, ...(bytes ? { 'Content-Length': String(bytes.length) } : {}) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const plain = (req: IncomingMessage, res: ServerResponse, status: number, text: string, cacheControl: string) =>
  answer(req, res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': cacheControl }, `${text}\n`);

/** The gzipped representation is another one, so it has its own strong tag. */
const gzipEtag = (etag: string): string => `${etag.slice(0, -1)}-gzip"`;

/** Whether the client takes gzip (RFC 9110 §12.5.3: listed, or `*`, without q=0). */
function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const q = params.find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** RFC 9110 §13.1.2: any listed entity tag of the feed's content (weak ones compared weakly) or `*`. */
function matchesEtag(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '');
    return candidate === '*' || candidate === etag || candidate === gzipEtag(etag);
  });
}

/** If-None-Match decides when present; If-Modified-Since only without it (RFC 9110 §13.1.3), to the second. */
function notModified(req: IncomingMessage, feed: RenderedFeed): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, feed.etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since;
}

/** GET/HEAD /feeds/<slug>.xml: the show's podcast feed (/feeds/<slug>/<token>.xml a private one), with validators for conditional requests. */
export function feedRoutes(app: App, feeds: FeedService): void {
  app.get(/^\/feeds\//, async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const [, slug, token] = FEED_PATH.exec(new URL(req.url ?? '/', 'http://catalog.local').pathname) ?? [];
      const feed = !slug ? null : token === undefined ? await feeds.feed(slug) : await feeds.privateFeed(slug, token);
      if (!feed) return plain(req, res, 404, 'Not found', token === undefined ? 'public, max-age=60' : 'no-store');
      const zipped = acceptsGzip(req);
      const cacheControl = token === undefined ? CACHE_CONTROL : PRIVATE_CACHE_CONTROL;
      const validators = { ETag: zipped ? gzipEtag(feed.etag) : feed.etag, 'Last-Modified': feed.lastModified.toUTCString(), 'Cache-Control': cacheControl, Vary: 'Accept-Encoding' };
      if (notModified(req, feed)) return answer(req, res, 304, validators);
      const type = { 'Content-Type': 'application/rss+xml; charset=utf-8' };
      if (zipped) answer(req, res, 200, { ...validators, ...type, 'Content-Encoding': 'gzip' }, feed.gzip);
      else answer(req, res, 200, { ...validators, ...type }, feed.body);
    } catch (err) {
      feeds.log.error({ err, url: req.url }, 'feed request failed');
      if (!res.headersSent) plain(req, res, 500, 'Something went wrong', 'no-store');
    }
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SubgraphModule } from '@wavegraph/kit';
import type { RenderedFeed } from './feed.cache';
import type { FeedService } from './feed.service';

type App = Parameters<NonNullable<SubgraphModule<unknown>['routes']>>[0];

const FEED_PATH = /^\/feeds\/([a-z0-9]+(?:-[a-z0-9]+)*)\.xml$/;
const CACHE_CONTROL = 'public, max-age=300';

function answer(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, ...(bytes ? { 'Content-Length': String(bytes.length) } : {}) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const plain = (req: IncomingMessage, res: ServerResponse, status: number, text: string, cacheControl: string) =>
  answer(req, res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': cacheControl }, `${text}\n`);

/** RFC 9110 §13.1.2: any listed entity tag (weak ones compared weakly) or `*`. */
function matchesEtag(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === etag;
  });
}

/** If-None-Match decides when present; If-Modified-Since only without it (RFC 9110 §13.1.3), to the second. */
function notModified(req: IncomingMessage, feed: RenderedFeed): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, feed.etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since;
}

/** GET/HEAD /feeds/<slug>.xml: the show's podcast feed, with validators for conditional requests. */
export function feedRoutes(app: App, feeds: FeedService): void {
  app.get(/^\/feeds\//, async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const slug = FEED_PATH.exec(new URL(req.url ?? '/', 'http://catalog.local').pathname)?.[1];
      const feed = slug ? await feeds.feed(slug) : null;
      if (!feed) return plain(req, res, 404, 'Not found', 'public, max-age=60');
      const validators = { ETag: feed.etag, 'Last-Modified': feed.lastModified.toUTCString(), 'Cache-Control': CACHE_CONTROL };
      if (notModified(req, feed)) return answer(req, res, 304, validators);
      answer(req, res, 200, { ...validators, 'Content-Type': 'application/rss+xml; charset=utf-8' }, feed.body);
    } catch (err) {
      feeds.log.error({ err, url: req.url }, 'feed request failed');
      if (!res.headersSent) plain(req, res, 500, 'Something went wrong', 'no-store');
    }
  });
}

import type { Express, Request, Response } from 'express';
import { IDE_ASSETS } from './ide.assets';
import { idePage } from './ide.page';

/** The page's own inline script and styles, the files below /graphql/ide/, and the gateway's HTTP and WebSocket endpoint. */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
].join('; ');

/** A browser opening /graphql: a navigation asking for HTML, not a GraphQL GET (those carry `query`). */
const wantsPage = (req: Request): boolean => req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html';

/**
 * The offline IDE (GATEWAY_IDE=graphiql, the default outside production): GraphiQL at
 * /graphql for browsers, with its files served from the installed packages, so it works on a
 * machine without the internet (Apollo Sandbox, GATEWAY_IDE=sandbox, loads from a CDN). Mounted
 * before the GraphQL middleware; every GraphQL request passes through untouched.
 */
export function mountIde(app: Express): void {
  const page = idePage();
  app.get('/graphql/ide/:name', (req: Request, res: Response) => {
    const asset = IDE_ASSETS[String(req.params.name)];
    if (!asset) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    // the files change only with the installed packages, i.e. with a new gateway build
    // pnpm's store lives below node_modules/.pnpm: a dot folder send() would refuse
    res.sendFile(asset.file, { dotfiles: 'allow', headers: { 'Content-Type': `${asset.type}; charset=utf-8`, 'Cache-Control': 'public, max-age=3600' } });
  });
  app.get('/graphql', (req: Request, res: Response, next) => {
    if (!wantsPage(req)) return next();
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('html').send(page);
  });
}

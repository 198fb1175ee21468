import type { SubgraphModule } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { publicJwks } from './signing-keys';

export const JWKS_PATH = '/.well-known/jwks.json';

/** Where a running identity subgraph serves its JWKS, given its GraphQL url. */
export const jwksUrl = (graphqlUrl: string): string => graphqlUrl.replace(/\/graphql\/?$/, JWKS_PATH);

type App = Parameters<NonNullable<SubgraphModule<unknown>['routes']>>[0];

/** Public keys only; not behind the gateway signature, since the gateway needs it to verify tokens. */
export function serveJwks(app: App, dataSource: DataSource): void {
  app.get(JWKS_PATH, async (_req, res) => {
    try {
      const jwks = await publicJwks(dataSource);
      res.set('cache-control', 'public, max-age=300').json(jwks);
    } catch {
      res.status(503).json({ error: 'jwks unavailable' });
    }
  });
}

import { envInt, envString } from '@wavegraph/kit';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const MAX_ACCESS_TTL = 15 * 60;

/** Read when services are created (not at import), so tests and the composition script need no environment. */
export function tokenSettings(): TokenSettings {
  const accessTokenTtlSeconds = envInt('ACCESS_TOKEN_TTL_SECONDS', 900);
  if (accessTokenTtlSeconds < 1 || accessTokenTtlSeconds > MAX_ACCESS_TTL) {
    throw new Error(`ACCESS_TOKEN_TTL_SECONDS must be between 1 and ${MAX_ACCESS_TTL}`);
  }
  const refreshTokenTtlSeconds = envInt('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600);
  if (refreshTokenTtlSeconds < 1) throw new Error('REFRESH_TOKEN_TTL_SECONDS must be positive');
  return {
    issuer: envString('JWT_ISSUER', 'wavegraph-identity'),
    audience: envString('JWT_AUDIENCE', 'wavegraph'),
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
  };
}

/**
 * How identity tells every gateway replica, without a database call per request, that access
 * tokens still within their 15 minutes must no longer be honoured. Identity writes, gateways
 * read, both under the deployment's Redis prefix; each key lives as long as an access token.
 *
 * - `revoked-before:<userId>`: tokens of this user issued before this instant (ms) are void
 *   (role or plan changed: the next request must carry a token saying so).
 * - `revoked-session:<sessionId>`: tokens of this session (refresh-token family) are void
 *   (logout, or a refresh token replayed).
 */
export const revocationKeys = (prefix: string) => ({
  user: (userId: string): string => `${prefix}:revoked-before:${userId}`,
  session: (sessionId: string): string => `${prefix}:revoked-session:${sessionId}`,
});

/** What a token says about itself that revocation is checked against. */
export interface TokenIdentity {
  userId: string;
  /** The refresh-token family (session) it was issued for; absent on tokens from before sessions were named. */
  sessionId?: string;
  /** When it was issued, in ms (`iat_ms`, or `iat` × 1000). */
  issuedAtMs: number;
}

/** Whether the values read for `revocationKeys(...).user` and `.session` void this token. */
export function isRevoked(token: TokenIdentity, revokedBefore: string | null, sessionRevoked: string | null): boolean {
  if (sessionRevoked !== null && token.sessionId) return true;
  return revokedBefore !== null && token.issuedAtMs < Number(revokedBefore);
}

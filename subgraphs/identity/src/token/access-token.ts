import { randomUUID, sign } from 'node:crypto';
import type { AccessTokenClaims, Viewer } from '@wavegraph/auth';
import type { ActiveKey } from './signing-keys';
import type { TokenSettings } from './token.config';

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Issues short-lived ES256 JWTs (compact JWS, RFC 7515/7518) carrying the viewer's id, role and plan. */
export class AccessTokenIssuer {
  constructor(
    private readonly key: ActiveKey,
    private readonly settings: TokenSettings,
  ) {}

  /** `sessionId`: the refresh-token family, so that logging out voids this token too. */
  issue(viewer: Viewer, sessionId: string, now = new Date()): AccessToken {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.settings.accessTokenTtlSeconds;
    const claims: AccessTokenClaims = { role: viewer.role, plan: viewer.plan, sid: sessionId, iat_ms: now.getTime() };
    const header = encode({ alg: 'ES256', typ: 'JWT', kid: this.key.kid });
    const payload = encode({ ...claims, sub: viewer.id, iss: this.settings.issuer, aud: this.settings.audience, iat, exp, jti: randomUUID() });
    const input = `${header}.${payload}`;
    // JWS wants the raw r||s signature, not DER
    const signature = sign('sha256', Buffer.from(input), { key: this.key.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${input}.${signature.toString('base64url')}`, expiresAt: new Date(exp * 1000) };
  }
}

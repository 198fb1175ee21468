import { ROLES, PLANS, type TokenIdentity, type Viewer } from '@wavegraph/auth';
import { GraphQLError } from 'graphql';
import { jwtVerify, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import { signingKeys, SigningKeysUnavailable, type SigningKeysOptions } from './jwks';

export interface TokenVerifierOptions {
  jwksUrl: string;
  /** How identity's key set is fetched and kept (timeout, cache age, cooldown). */
  keys?: Omit<SigningKeysOptions, 'url'>;
  issuer: string;
  audience: string;
  /** Whether identity has voided a token that is otherwise valid (logout, role or plan change). */
  revoked?: (token: TokenIdentity) => Promise<boolean>;
  /** Tokens whose signature and claims stay verified in memory until they expire. Default 10000; 0 verifies every time. */
  verifiedTokens?: number;
}

interface Verified extends VerifiedToken {
  identity: TokenIdentity;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Viewer | null>;

/** Who a verified token speaks for, and until when (ms since the epoch). */
export interface VerifiedToken {
  viewer: Viewer;
  expiresAt: number;
}

export type SessionVerifier = ((authorization: string | undefined) => Promise<VerifiedToken | null>) & {
  /** Fetches identity's keys ahead of the first signed-in request; rejects when identity does not answer. */
  warm?: () => Promise<void>;
};

function rejected(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * Verifies a bearer access token against identity's JWKS: ES256 only (so `alg: none` and
 * HMAC tokens never pass), issuer, audience and expiry enforced. No header means anonymous.
 */
export function createTokenVerifier(options: TokenVerifierOptions | SessionVerifier): TokenVerifier {
  const verify = typeof options === 'function' ? options : createSessionVerifier(options);
  return async (authorization) => (await verify(authorization))?.viewer ?? null;
}

/** Like createTokenVerifier, keeping the expiry: a WebSocket outlives one request and must end with its token. */
export function createSessionVerifier(options: TokenVerifierOptions): SessionVerifier {
  const keys = signingKeys({ url: options.jwksUrl, ...options.keys });
  // an ES256 signature check is the costliest step of a request; a token's verdict cannot change
  // before it expires, but whether it has been revoked can, so that is asked on every use
  const size = options.verifiedTokens ?? 10_000;
  const verified = size > 0 ? new LRUCache<string, Verified>({ max: size }) : undefined;
  const remembered = async (token: string): Promise<VerifiedToken | null | undefined> => {
    const known = verified?.get(token);
    if (!known) return undefined;
    if (known.expiresAt <= Date.now()) {
      verified?.delete(token);
      throw rejected('Access token has expired');
    }
    if (await options.revoked?.(known.identity)) throw rejected('Access token has been revoked; refresh the session or sign in again');
    return known;
  };
  const verify: SessionVerifier = async (authorization) => {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw rejected('Authorization header must be "Bearer <token>"');
    const known = await remembered(match[1]);
    if (known) return { viewer: known.viewer, expiresAt: known.expiresAt };
    try {
      const { payload } = await jwtVerify(match[1], keys.getKey, {
        algorithms: ['ES256'],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const { sub, role, plan, exp, iat, sid, iat_ms: iatMs } = payload as { sub?: string; role?: unknown; plan?: unknown; exp?: number; iat?: number; sid?: unknown; iat_ms?: unknown };
      if (!sub || !(ROLES as readonly unknown[]).includes(role) || !(PLANS as readonly unknown[]).includes(plan)) {
        throw rejected('Access token is missing claims');
      }
      const identity: TokenIdentity = {
        userId: sub,
        sessionId: typeof sid === 'string' ? sid : undefined,
        issuedAtMs: typeof iatMs === 'number' ? iatMs : (iat ?? 0) * 1000,
      };
      if (await options.revoked?.(identity)) throw rejected('Access token has been revoked; refresh the session or sign in again');
      const result: Verified = { viewer: { id: sub, role: role as Viewer['role'], plan: plan as Viewer['plan'] }, expiresAt: (exp ?? 0) * 1000, identity };
      verified?.set(match[1], result);
      return { viewer: result.viewer, expiresAt: result.expiresAt };
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw rejected('Access token has expired');
      // a JWKS that cannot be fetched is our outage, not a bad token
      if (error instanceof SigningKeysUnavailable || !(error instanceof joseErrors.JOSEError)) {
        throw new GraphQLError('Cannot verify tokens right now', { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
      }
      throw rejected('Access token is invalid');
    }
  };
  verify.warm = keys.warm;
  return verify;
}

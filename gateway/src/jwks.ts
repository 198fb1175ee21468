import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Identity's keys could not be fetched (timeout, refused, not 200, not a key set): our outage, not a bad token. */
export class SigningKeysUnavailable extends Error {
  constructor(cause: unknown) {
    super('signing keys unavailable', { cause });
  }
}

export interface SigningKeysOptions {
  /** Identity's JWKS. */
  url: string;
  /** One fetch of the JWKS may take this long. Default 10000 (jose's own is 5000). */
  timeoutMs?: number;
  /** Keys are fetched again after this long. Default 600000. */
  cacheMaxAgeMs?: number;
  /** After a fetch, an unknown key id waits this long before fetching again. Default 30000. */
  cooldownMs?: number;
}

export interface SigningKeys {
  /** For jwtVerify. */
  getKey: JWTVerifyGetKey;
  /** Fetches the keys now (the gateway does it once at start); rejects when identity does not answer. */
  warm(): Promise<void>;
}

/**
 * Identity's signing keys, fetched by jose and cached. jose refetches a key set older than
 * `cacheMaxAgeMs` before verifying and fails the verification when that fetch fails; here a
 * token signed by a key already known is still verified with the last key set fetched, so an
 * identity that is slow or away for a moment costs no signed-in request. A key id never seen
 * still needs identity (a rotation is only trusted from the source).
 */
export function signingKeys(options: SigningKeysOptions): SigningKeys {
  const remote = createRemoteJWKSet(new URL(options.url), {
    timeoutDuration: options.timeoutMs ?? 10_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
  });
  let last: { set: JSONWebKeySet; getKey: JWTVerifyGetKey } | undefined;
  const remember = () => {
    const set = remote.jwks();
    if (set && set !== last?.set) last = { set, getKey: createLocalJWKSet(set) };
  };
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      const key = await remote(header, token);
      remember();
      return key;
    } catch (error) {
      // no key, or several, for the token's key id: that is the token's problem
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) throw error;
      const known = last && header.kid !== undefined && last.set.keys.some((k) => k.kid === header.kid);
      if (!known) throw new SigningKeysUnavailable(error);
      return last!.getKey(header, token);
    }
  };
  return {
    getKey,
    warm: async () => {
      await remote.reload();
      remember();
    },
  };
}

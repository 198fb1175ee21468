import { isRevoked, revocationKeys, type TokenIdentity } from '@wavegraph/auth';
import type { Redis } from '@wavegraph/redis';
import type { Logger } from 'pino';

export type RevocationCheck = (token: TokenIdentity) => Promise<boolean>;

/**
 * Reads what identity wrote (one MGET per signed-in request, no database), so a role or plan
 * change or a logout counts from the next request at every replica. When Redis cannot answer,
 * the token is honoured until its expiry (≤ 15 minutes) rather than signing everyone out:
 * the failure is logged and counted in `failures`.
 */
export function revocationCheck(redis: Redis, prefix: string, log: Logger): RevocationCheck & { failures: () => number } {
  const keys = revocationKeys(prefix);
  let failures = 0;
  const check = async (token: TokenIdentity): Promise<boolean> => {
    try {
      const [before, session] = await redis.mget(keys.user(token.userId), keys.session(token.sessionId ?? '-'));
      return isRevoked(token, before, session);
    } catch (error) {
      failures += 1;
      if (failures === 1 || failures % 100 === 0) log.warn({ err: error, failures }, 'cannot check token revocations: honouring tokens until they expire');
      return false;
    }
  };
  return Object.assign(check, { failures: () => failures });
}

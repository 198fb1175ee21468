import { revocationKeys } from '@wavegraph/auth';
import type { Redis } from '@wavegraph/redis';

/**
 * Tells the gateways which access tokens no longer count (see @wavegraph/auth revocation.ts).
 * Each key outlives every token it can void: an access token's lifetime plus clock skew.
 */
export class Revocations {
  private readonly keys: ReturnType<typeof revocationKeys>;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    accessTokenTtlSeconds: number,
  ) {
    this.keys = revocationKeys(prefix);
    this.ttlMs = (accessTokenTtlSeconds + 60) * 1000;
  }

  /** Voids the user's tokens issued before now (their role or plan is about to change, or just changed). */
  async revokeUser(userId: string): Promise<void> {
    await this.redis.set(this.keys.user(userId), String(Date.now()), 'PX', this.ttlMs);
  }

  /** Voids every token of one session (logout, or its refresh token replayed). */
  async revokeSession(sessionId: string): Promise<void> {
    await this.redis.set(this.keys.session(sessionId), '1', 'PX', this.ttlMs);
  }
}

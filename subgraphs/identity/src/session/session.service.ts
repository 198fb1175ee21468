import { unauthenticated } from '@wavegraph/kit';
import type { AccessTokenIssuer } from '../token/access-token';
import { markAuthenticatedSubject } from '../user/private-fields';
import { burnPasswordCheck, verifyPassword } from '../user/password';
import type { User } from '../user/user.entity';
import type { NewAccount, UserService } from '../user/user.service';
import type { IssuedToken, RefreshTokenStore } from './refresh-tokens';
import type { Revocations } from './revocations';
import type { AuthPayload } from './session.types';

const INVALID_CREDENTIALS = 'Invalid email or password';
const INVALID_REFRESH = 'Invalid or expired refresh token';

/** Register, login, refresh and logout: every successful one yields a fresh access token and refresh token. */
export class SessionService {
  constructor(
    private readonly users: UserService,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly revocations: Revocations,
  ) {}

  async register(account: NewAccount): Promise<AuthPayload> {
    const user = await this.users.create(account);
    return this.payload(user, await this.refreshTokens.startFamily(user.id));
  }

  async login(email: string, password: string): Promise<AuthPayload> {
    const found = await this.users.findWithPasswordByEmail(email);
    if (!found) {
      await burnPasswordCheck(password);
      throw unauthenticated(INVALID_CREDENTIALS);
    }
    if (!(await verifyPassword(found.passwordHash, password))) throw unauthenticated(INVALID_CREDENTIALS);
    delete (found as Partial<User>).passwordHash;
    return this.payload(found, await this.refreshTokens.startFamily(found.id));
  }

  /** Rotates the refresh token; the new access token carries the user's current role and plan. */
  async refresh(refreshToken: string): Promise<AuthPayload> {
    const rotation = await this.refreshTokens.rotate(refreshToken);
    if (!rotation.ok) {
      // a replayed refresh token ends its session at once, access tokens included
      if (rotation.revokedFamilyId) await this.revocations.revokeSession(rotation.revokedFamilyId);
      throw unauthenticated(rotation.reused ? 'Refresh token was already used; the session has been revoked' : INVALID_REFRESH);
    }
    const user = await this.users.findById(rotation.userId);
    if (!user) throw unauthenticated(INVALID_REFRESH);
    return this.payload(user, rotation);
  }

  /** Ends the session: its refresh tokens (in the database) and its access tokens (at every gateway, on their next request). */
  async logout(refreshToken: string): Promise<boolean> {
    const familyId = await this.refreshTokens.revokeFamilyOf(refreshToken);
    if (!familyId) return false;
    await this.revocations.revokeSession(familyId);
    return true;
  }

  private payload(user: User, session: IssuedToken): AuthPayload {
    const access = this.accessTokens.issue({ id: user.id, role: user.role, plan: user.plan }, session.familyId);
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: session.token, user: markAuthenticatedSubject(user) };
  }
}

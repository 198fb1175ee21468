import type { Context, ServiceDeps } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { RefreshTokenStore } from './session/refresh-tokens';
import { SessionService } from './session/session.service';
import { AccessTokenIssuer } from './token/access-token';
import { loadOrCreateSigningKey } from './token/signing-keys';
import { tokenSettings } from './token/token.config';
import { User } from './user/user.entity';
import { UserService } from './user/user.service';

export interface IdentityServices {
  users: UserService;
  sessions: SessionService;
  dataSource: DataSource;
}

export type IdentityContext = Context<IdentityServices>;

/** Wires the identity use cases; creates the shared signing key on the very first start. */
export async function createIdentityServices({ db }: Pick<ServiceDeps, 'db'>): Promise<IdentityServices> {
  const settings = tokenSettings();
  const users = new UserService(db.dataSource.getRepository(User));
  const accessTokens = new AccessTokenIssuer(await loadOrCreateSigningKey(db.dataSource), settings);
  const sessions = new SessionService(users, accessTokens, new RefreshTokenStore(db.dataSource, settings.refreshTokenTtlSeconds));
  return { users, sessions, dataSource: db.dataSource };
}

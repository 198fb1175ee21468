import { EventBackbone } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { RefreshTokenStore } from './session/refresh-tokens';
import { SessionService } from './session/session.service';
import { AccessTokenIssuer } from './token/access-token';
import { loadOrCreateSigningKey } from './token/signing-keys';
import { tokenSettings } from './token/token.config';
import { UserService } from './user/user.service';

export interface IdentityServices {
  users: UserService;
  sessions: SessionService;
  dataSource: DataSource;
  events: EventBackbone;
}

export type IdentityContext = Context<IdentityServices>;

/** Wires the identity use cases; creates the shared signing key on the very first start. */
export async function createIdentityServices({ db, log, redisUrl, redisPrefix }: ServiceDeps): Promise<IdentityServices> {
  const settings = tokenSettings();
  const users = new UserService(db.dataSource);
  const accessTokens = new AccessTokenIssuer(await loadOrCreateSigningKey(db.dataSource), settings);
  const sessions = new SessionService(users, accessTokens, new RefreshTokenStore(db.dataSource, settings.refreshTokenTtlSeconds));
  const events = await EventBackbone.start({ dataSource: db.dataSource, redisUrl, prefix: redisPrefix, log, produces: 'identity' });
  return { users, sessions, dataSource: db.dataSource, events };
}

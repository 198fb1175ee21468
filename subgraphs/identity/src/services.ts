import { EventBackbone } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { Redis } from '@wavegraph/redis';
import { RefreshTokenStore } from './session/refresh-tokens';
import { Revocations } from './session/revocations';
import { SessionService } from './session/session.service';
import { AccessTokenIssuer } from './token/access-token';
import { loadOrCreateSigningKey } from './token/signing-keys';
import { tokenSettings } from './token/token.config';
import { billingPlanHandlers, IDENTITY_GROUP, IDENTITY_PRODUCERS, revokeAfterApply } from './user/billing-plan.handlers';
import { UserService } from './user/user.service';

export interface IdentityServices {
  users: UserService;
  sessions: SessionService;
  dataSource: DataSource;
  events: EventBackbone;
  /** Where revocations are written for the gateways. */
  redis: Redis;
}

export type IdentityContext = Context<IdentityServices>;

/** Wires the identity use cases; creates the shared signing key on the very first start. */
export async function createIdentityServices({ db, log, redis: connections, redisPrefix, metrics }: ServiceDeps): Promise<IdentityServices> {
  const settings = tokenSettings();
  const redis = connections.open('command', 'revocations');
  const revocations = new Revocations(redis, redisPrefix, settings.accessTokenTtlSeconds);
  const users = new UserService(db.dataSource, revocations);
  const accessTokens = new AccessTokenIssuer(await loadOrCreateSigningKey(db.dataSource), settings);
  const sessions = new SessionService(users, accessTokens, new RefreshTokenStore(db.dataSource, settings.refreshTokenTtlSeconds), revocations);
  // users whose plan billing's events changed in the batch being applied
  const planChanged = new Set<string>();
  const events = await EventBackbone.start({
    dataSource: db.dataSource, redis: connections, prefix: redisPrefix, log, produces: 'identity', metrics,
    // the Premium saga: billing's payments and subscriptions change plans
    consumes: { group: IDENTITY_GROUP, producers: IDENTITY_PRODUCERS, handlers: billingPlanHandlers(users, planChanged), afterApply: revokeAfterApply(users, planChanged) },
  });
  return { users, sessions, dataSource: db.dataSource, events, redis };
}

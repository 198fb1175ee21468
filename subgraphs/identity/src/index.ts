import { byKeys, type SubgraphModule } from '@wavegraph/kit';
import { migrations } from './migrations';
import { createIdentityServices, type IdentityServices } from './services';
import { RefreshToken, SessionFamily } from './session/refresh-token.entity';
import { SessionResolver } from './session/session.resolver';
import { serveJwks } from './token/jwks';
import { SigningKey } from './token/signing-key.entity';
import { User } from './user/user.entity';
import { UserResolver } from './user/user.resolver';

/** The identity subgraph: users, credentials, refresh-token families and the JWKS. Importing it has no side effects. */
export const identityModule: SubgraphModule<IdentityServices> = {
  name: 'identity',
  resolvers: [UserResolver, SessionResolver],
  entities: [User, SessionFamily, RefreshToken, SigningKey],
  migrations,
  createServices: createIdentityServices,
  references: {
    User: async (ids, ctx) => byKeys(ids, await ctx.services.users.findByIds(ids), (user) => user.id),
  },
  routes: (app, services) => serveJwks(app, services.dataSource),
  eventLog: (services) => services.events.log!,
  ready: (services) => services.events.ping(),
  stopServices: async (services) => {
    await services.events.stop();
    services.redis.disconnect();
  },
};

export type { IdentityContext, IdentityServices } from './services';
export type { AccessToken } from './token/access-token';
export type { PublicJwk } from './token/signing-keys';
export { JWKS_PATH, jwksUrl } from './token/jwks';
export { tokenSettings, type TokenSettings } from './token/token.config';
export { User } from './user/user.entity';
export { UserService, type NewAccount, type ProfileChanges } from './user/user.service';
export { SessionService } from './session/session.service';
export { AuthPayload, LoginInput, RegisterInput } from './session/session.types';
export { UpdateProfileInput } from './user/user.inputs';
export { grantRole } from './cli/grant-role.command';

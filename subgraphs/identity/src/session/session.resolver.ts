import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { IdentityContext } from '../services';
import { AuthPayload, LoginInput, RegisterInput } from './session.types';

@Resolver()
export class SessionResolver {
  @Mutation(() => AuthPayload)
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: IdentityContext): Promise<AuthPayload> {
    return ctx.services.sessions.register(input);
  }

  @Mutation(() => AuthPayload)
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: IdentityContext): Promise<AuthPayload> {
    return ctx.services.sessions.login(input.email, input.password);
  }

  @Mutation(() => AuthPayload)
  refreshSession(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: IdentityContext): Promise<AuthPayload> {
    return ctx.services.sessions.refresh(refreshToken);
  }

  @Mutation(() => Boolean, { description: 'Revokes the session (token family) the refresh token belongs to; false if the token is unknown.' })
  logout(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    return ctx.services.sessions.logout(refreshToken);
  }
}

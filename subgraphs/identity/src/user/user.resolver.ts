import type { Plan, Role } from '@wavegraph/auth';
import { forbidden, notFound, requireUuid, requireViewer, VIEWER_DEPENDENT } from '@wavegraph/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { IdentityContext } from '../services';
import { canSeePrivateFields } from './private-fields';
import { PlanEnum, RoleEnum } from './role-plan';
import { User } from './user.entity';
import { UpdateProfileInput } from './user.inputs';

function requireAdmin(ctx: IdentityContext): void {
  if (requireViewer(ctx).role !== 'ADMIN') throw forbidden('Only administrators can do this');
}

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() ctx: IdentityContext): Promise<User | null> | null {
    return ctx.viewer ? ctx.services.users.findById(ctx.viewer.id) : null;
  }

  @Query(() => User, { nullable: true })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: IdentityContext): Promise<User> {
    const found = await ctx.services.users.findById(requireUuid('id', id));
    if (!found) throw notFound('User');
    return found;
  }

  @Query(() => User, { nullable: true })
  async userByHandle(@Arg('handle') handle: string, @Ctx() ctx: IdentityContext): Promise<User> {
    const found = await ctx.services.users.findByHandle(handle);
    if (!found) throw notFound('User');
    return found;
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => String, { nullable: true, description: 'Only visible to the user themself and to staff (EDITOR, ADMIN); null otherwise.' })
  email(@Root() user: User, @Ctx() ctx: IdentityContext): string | null {
    return canSeePrivateFields(ctx.viewer, user) ? user.email : null;
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => RoleEnum, { nullable: true, description: 'Only visible to the user themself and to staff (EDITOR, ADMIN); null otherwise.' })
  role(@Root() user: User, @Ctx() ctx: IdentityContext): Role | null {
    return canSeePrivateFields(ctx.viewer, user) ? user.role : null;
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => PlanEnum, { nullable: true, description: 'Only visible to the user themself and to staff (EDITOR, ADMIN); null otherwise.' })
  plan(@Root() user: User, @Ctx() ctx: IdentityContext): Plan | null {
    return canSeePrivateFields(ctx.viewer, user) ? user.plan : null;
  }

  @Mutation(() => User)
  updateProfile(@Arg('input', () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: IdentityContext): Promise<User> {
    return ctx.services.users.updateProfile(requireViewer(ctx).id, input);
  }

  @Mutation(() => User)
  setUserRole(@Arg('userId', () => ID) userId: string, @Arg('role', () => RoleEnum) role: Role, @Ctx() ctx: IdentityContext): Promise<User> {
    requireAdmin(ctx);
    return ctx.services.users.setRole(userId, role);
  }

  @Mutation(() => User)
  setUserPlan(@Arg('userId', () => ID) userId: string, @Arg('plan', () => PlanEnum) plan: Plan, @Ctx() ctx: IdentityContext): Promise<User> {
    requireAdmin(ctx);
    return ctx.services.users.setPlan(userId, plan);
  }
}

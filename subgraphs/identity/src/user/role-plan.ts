import { PLANS, ROLES, type Plan, type Role } from '@wavegraph/auth';
import { registerEnumType } from 'type-graphql';

/** GraphQL enums `Role` and `Plan`, built from the shared lists so the values cannot drift. */
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
export const PlanEnum = Object.fromEntries(PLANS.map((p) => [p, p])) as { [K in Plan]: K };

registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(PlanEnum, { name: 'Plan' });

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

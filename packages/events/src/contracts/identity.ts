import { z } from 'zod';
import { defineEvent, id } from '../contract';

const ROLE = z.enum(['ADMIN', 'EDITOR', 'USER']);
const PLAN = z.enum(['FREE', 'PREMIUM']);

/** No email or other secret travels in events; consumers ask the graph when they need more. */
export const UserRegistered = defineEvent(
  'identity',
  'UserRegistered',
  1,
  z.object({ userId: id(), handle: z.string().min(1), displayName: z.string(), role: ROLE, plan: PLAN }),
);

export const UserPlanChanged = defineEvent('identity', 'UserPlanChanged', 1, z.object({ userId: id(), plan: PLAN, previousPlan: PLAN }));

/** The public profile after a change (handle, display name): readers that show or cache it refresh. */
export const UserProfileUpdated = defineEvent(
  'identity',
  'UserProfileUpdated',
  1,
  z.object({ userId: id(), handle: z.string().min(1), displayName: z.string() }),
);

/**
 * Aggregate: the user. Identity's answer to a plan change billing asked for by an event (`cause`,
 * that event's id): APPLIED (the plan changed, UserPlanChanged came with it), UNCHANGED (it was
 * already so), or REFUSED for good (`reason`: the account no longer exists), which billing compensates.
 */
export const PlanChangeSettled = defineEvent(
  'identity',
  'PlanChangeSettled',
  1,
  z.object({ userId: id(), cause: id(), plan: PLAN, outcome: z.enum(['APPLIED', 'UNCHANGED', 'REFUSED']), reason: z.string().nullable() }),
);

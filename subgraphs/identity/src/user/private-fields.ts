import { isSelfOrStaff, type Viewer } from '@wavegraph/auth';
import type { User } from './user.entity';

/**
 * Users returned in an AuthPayload belong to the caller who just proved who they are, even
 * though the request itself was anonymous; those objects (one per request) may show their email.
 */
const authenticatedSubjects = new WeakSet<User>();

export function markAuthenticatedSubject(user: User): User {
  authenticatedSubjects.add(user);
  return user;
}

/** Email, role and plan are private: the user themself and staff (EDITOR, ADMIN) see them; others get null. */
export function canSeePrivateFields(viewer: Viewer | null, user: User): boolean {
  return authenticatedSubjects.has(user) || isSelfOrStaff(viewer, user.id);
}

import type { Viewer } from '@wavegraph/auth';
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

export function canSeeEmail(viewer: Viewer | null, user: User): boolean {
  if (authenticatedSubjects.has(user)) return true;
  return Boolean(viewer && (viewer.id === user.id || viewer.role === 'ADMIN'));
}

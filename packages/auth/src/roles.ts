import type { Viewer } from './viewer';

/** EDITOR and ADMIN act on every creator's content (support, moderation, operations). */
export function isStaff(viewer: Viewer | null | undefined): boolean {
  return viewer?.role === 'ADMIN' || viewer?.role === 'EDITOR';
}

/** Staff manage everything; anyone else manages what they own (a show, its episodes, its media). */
export function canManage(viewer: Viewer | null | undefined, ownerId: string | null | undefined): boolean {
  if (!viewer) return false;
  return isStaff(viewer) || (ownerId != null && viewer.id.toLowerCase() === ownerId.toLowerCase());
}

/** A user's own record, or staff. */
export function isSelfOrStaff(viewer: Viewer | null | undefined, userId: string): boolean {
  return canManage(viewer, userId);
}

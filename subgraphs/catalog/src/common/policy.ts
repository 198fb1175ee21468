import type { Viewer } from '@wavegraph/auth';

/** Staff (EDITOR, ADMIN) manage every show; a USER manages the shows they own. */
export function canManage(viewer: Viewer | null, ownerId: string): boolean {
  if (!viewer) return false;
  return viewer.role === 'ADMIN' || viewer.role === 'EDITOR' || viewer.id === ownerId;
}

import type { Viewer } from '@wavegraph/auth';

/** EDITOR and ADMIN act on any creator's media (support, moderation, operations). */
export const isStaff = (viewer: Viewer | null): boolean => viewer?.role === 'ADMIN' || viewer?.role === 'EDITOR';

/** Who may see an asset before it is READY, retry it or delete it: its owner and staff. */
export const canManage = (viewer: Viewer | null, ownerId: string): boolean => isStaff(viewer) || viewer?.id === ownerId;

import type { Viewer } from '@wavegraph/auth';

/** EDITOR and ADMIN moderate what listeners write. */
export const isStaff = (viewer: Viewer): boolean => viewer.role === 'ADMIN' || viewer.role === 'EDITOR';

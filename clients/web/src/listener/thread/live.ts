import { useSyncExternalStore } from 'react';

/**
 * Per comment, a counter that moves when a reply to it arrives live (CommentAdded with a
 * parent): that comment's replies are fetched again, wherever in the thread it sits.
 */
const versions = new Map<string, number>();
const listeners = new Set<() => void>();

export function replyArrived(parentId: string): void {
  versions.set(parentId, (versions.get(parentId) ?? 0) + 1);
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useReplyVersion = (parentId: string): number => useSyncExternalStore(subscribe, () => versions.get(parentId) ?? 0);

import { useSyncExternalStore } from 'react';

/**
 * A counter that moves whenever the listener's notifications change (one arrived, some were
 * read): the bell and the inbox fetch again when it does.
 */
let version = 0;
const listeners = new Set<() => void>();

export function notificationsChanged(): void {
  version += 1;
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useNotificationsVersion = (): number => useSyncExternalStore(subscribe, () => version);

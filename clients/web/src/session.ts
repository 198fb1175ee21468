import { useSyncExternalStore } from 'react';

/** The signed-in user's tokens and who they are, kept across reloads. */
export interface Session {
  accessToken: string;
  /** ISO 8601: the access token is refreshed a minute before this. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: { id: string; handle: string; displayName: string };
}

const KEY = 'wavegraph.session';
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

export const sessionStore = {
  get: (): Session | null => current,
  set(next: Session | null): void {
    current = next;
    if (next) localStorage.setItem(KEY, JSON.stringify(next));
    else localStorage.removeItem(KEY);
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const useSession = (): Session | null => useSyncExternalStore(sessionStore.subscribe, sessionStore.get);

/** Milliseconds until the access token should be refreshed: a minute before it expires (at once when that has passed). */
export function refreshDelay(session: Session, now = Date.now()): number {
  return Math.max(0, new Date(session.accessTokenExpiresAt).getTime() - now - 60_000);
}

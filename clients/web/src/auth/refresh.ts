import { useEffect } from 'react';
import { LogoutDocument, RefreshSessionDocument } from '@wavegraph/client/documents';
import { client } from '../client';
import { refreshDelay, sessionStore, useSession } from '../session';

/**
 * Trades the refresh token for a new pair. A refused token (spent, revoked, expired) signs the
 * person out; a network failure keeps the session and is tried again by the next schedule.
 */
export async function refreshNow(): Promise<boolean> {
  const session = sessionStore.get();
  if (!session) return false;
  const result = await client.mutation(RefreshSessionDocument, { refreshToken: session.refreshToken }, { requestPolicy: 'network-only' }).toPromise();
  const next = result.data?.refreshSession;
  if (next) {
    sessionStore.set({ ...session, accessToken: next.accessToken, refreshToken: next.refreshToken, accessTokenExpiresAt: next.accessTokenExpiresAt });
    return true;
  }
  if (result.error?.graphQLErrors.length) sessionStore.set(null);
  return false;
}

/** Keeps the signed-in session fresh: refreshes the access token a minute before it expires. */
export function useTokenRefresh(): void {
  const session = useSession();
  useEffect(() => {
    if (!session) return;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      void refreshNow().then((ok) => {
        // offline: try again shortly, while the session still exists
        if (!ok && sessionStore.get()) retry = setTimeout(() => void refreshNow(), 15_000);
      });
    }, refreshDelay(session));
    return () => {
      clearTimeout(timer);
      if (retry) clearTimeout(retry);
    };
  }, [session]);
}

export async function signOut(): Promise<void> {
  const session = sessionStore.get();
  sessionStore.set(null);
  if (session) await client.mutation(LogoutDocument, { refreshToken: session.refreshToken }).toPromise();
}

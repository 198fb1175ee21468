import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createWavegraphWsClient } from '@wavegraph/client/ws';
import { GATEWAY_URL } from './config';
import { sessionStore } from './session';

const accessToken = (): string | undefined => sessionStore.get()?.accessToken;

/** graphql-ws on the gateway's endpoint; the token is read again on every (re)connection. */
export const ws = createWavegraphWsClient(GATEWAY_URL, { accessToken, retryAttempts: 10, lazy: true });

// a new identity (sign in, sign out, refresh) reconnects the socket, so subscriptions run as the current viewer
let lastToken = accessToken();
sessionStore.subscribe(() => {
  const token = accessToken();
  if (token !== lastToken) {
    lastToken = token;
    ws.terminate();
  }
});

export const client = new Client({
  url: GATEWAY_URL,
  preferGetMethod: false,
  fetchOptions: (): RequestInit => {
    const token = accessToken();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return { headers };
  },
  exchanges: [
    cacheExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
      }),
    }),
    fetchExchange,
  ],
});

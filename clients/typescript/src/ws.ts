import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client, type ClientOptions, type FormattedExecutionResult } from 'graphql-ws';

/** An access token, or a function giving the current one (read again on every reconnection). */
export type AccessToken = string | undefined | (() => string | undefined | Promise<string | undefined>);

export interface WavegraphWsOptions extends Omit<ClientOptions, 'url' | 'connectionParams'> {
  /** Sent as `authorization: Bearer …` in `connection_init`, where the gateway reads it; none subscribes anonymously. */
  accessToken?: AccessToken;
}

/** The WebSocket URL of an endpoint given as http(s)://…/graphql (a ws(s):// URL is kept). */
export function webSocketUrl(endpoint: string): string {
  return endpoint.replace(/^http(s?):\/\//i, 'ws$1://');
}

/**
 * A graphql-ws client for the Wavegraph gateway (same URL as HTTP, ws:// or wss://). The gateway
 * authenticates a connection once, on `connection_init`, and closes it when its token expires: a
 * function as `accessToken` gives the fresh token to each reconnection.
 */
export function createWavegraphWsClient(endpoint: string, options: WavegraphWsOptions = {}): Client {
  const { accessToken, ...rest } = options;
  return createClient({
    ...rest,
    url: webSocketUrl(endpoint),
    connectionParams: async (): Promise<Record<string, string>> => {
      const token = typeof accessToken === 'function' ? await accessToken() : accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
}

/** The variables argument: optional when the operation has no required variable, required otherwise. */
export type VariablesArgument<TVariables> = Record<string, never> extends TVariables
  ? [variables?: TVariables]
  : [variables: TVariables];

// print() of a document is cached: the same object is sent many times and its text never changes
const printed = new WeakMap<object, string>();
function textOf(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    // the exact text the trusted-documents manifest lists for this typed document
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * Subscribes to a typed document: each event arrives as a result typed by the document. Ending the
 * iteration (`break`, `return()`) completes the subscription on the server.
 *
 * @example
 * for await (const { data } of subscribe(client, CommentAddedDocument, { episodeId })) {
 *   console.log(data?.commentAdded.id);
 * }
 */
export function subscribe<TResult, TVariables>(
  client: Client,
  document: TypedDocumentNode<TResult, TVariables>,
  ...[variables]: VariablesArgument<TVariables>
): AsyncIterableIterator<FormattedExecutionResult<TResult, unknown>> {
  return client.iterate<TResult>({ query: textOf(document), variables: variables as Record<string, unknown> | undefined });
}

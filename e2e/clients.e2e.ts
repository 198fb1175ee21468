import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client/core';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { print as apolloPrint } from '@apollo/client/utilities';
import { Client as UrqlClient, cacheExchange, fetchExchange, formatDocument, stringifyDocument, subscriptionExchange } from '@urql/core';
import * as typed from '@wavegraph/client/documents';
import {
  CommentAddedDocument,
  CommentFieldsFragmentDoc,
  CreateEpisodeDocument,
  CreateShowDocument,
  FollowShowDocument,
  LikeEpisodeDocument,
  MeDocument,
  NotificationAddedDocument,
  PostCommentDocument,
  PublishEpisodeDocument,
  RegisterDocument,
  ShowDocument,
  SessionFieldsFragmentDoc,
  ShowFieldsFragmentDoc,
  ViewerFieldsFragmentDoc,
  EpisodeFieldsFragmentDoc,
  useFragment,
  UnfollowShowDocument,
  type CommentAddedSubscription,
} from '@wavegraph/client/documents';
import { createWavegraphWsClient, subscribe } from '@wavegraph/client/ws';
import { configFromEnv, type RunningGateway } from '@wavegraph/gateway';
import { eventually } from '@wavegraph/testkit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import { GraphQLClient, request } from 'graphql-request';
import type { Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What a client put on the wire: each request's method and body (or query string). */
interface Sent {
  method: string;
  query?: string;
  hash?: string;
}
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? 'GET';
    const params = method === 'GET' ? Object.fromEntries(url.searchParams) : (JSON.parse(String(init?.body)) as Record<string, unknown>);
    const extensions = typeof params.extensions === 'string' ? JSON.parse(params.extensions) : params.extensions;
    sent.push({ method, query: typeof params.query === 'string' ? params.query : undefined, hash: extensions?.persistedQuery?.sha256Hash });
    return fetch(input, init);
  };
}

describe('the texts each client sends for a typed document', () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../clients/persisted-documents.json'), 'utf8')) as { operations: { id: string; body: string }[] };
  const listed = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  const documents = Object.entries(typed).filter(([name]) => name.endsWith('Document')) as [string, DocumentNode][];

  it.each(documents)('lists %s as Apollo Client (after its cache transform) and urql (after formatDocument) print it', (_name, document) => {
    const apollo = apolloPrint(new InMemoryCache().transformDocument(document));
    const urql = stringifyDocument(formatDocument(document));
    expect(listed.get(sha256(apollo))).toBe(apollo);
    expect(listed.get(sha256(urql))).toBe(urql);
  });
});

/**
 * The typed documents through Apollo Client, urql, graphql-request and @wavegraph/client/ws, against
 * a gateway that runs trusted documents only (`required`, as in production): each client's own text
 * of a typed document must be in the manifest, and the responses must carry the types' __typename.
 */
describe('typed documents with Apollo Client, urql, graphql-request and graphql-ws', () => {
  let supergraph: TestSupergraph;
  let gateway: RunningGateway;
  let token: string;
  let userId: string;
  let showId: string;
  let episodeId: string;
  const wsClients: WsClient[] = [];
  const wsClient = () => {
    const client = createWavegraphWsClient(gateway.url, { accessToken: () => token, webSocketImpl: WebSocket, retryAttempts: 0 });
    wsClients.push(client);
    return client;
  };
  const bearer = () => ({ authorization: `Bearer ${token}` });
  /** Waits until the gateway has opened the upstream subscription for this episode's comments. */
  const listening = (count: number) => eventually(async () => supergraph.engagement.pubSub.listeners(`COMMENT_ADDED:${episodeId}`) === count);
  const comment = (body: string) => request({ url: gateway.url, document: PostCommentDocument, variables: { episodeId, body }, requestHeaders: bearer() });

  beforeAll(async () => {
    const defaults = configFromEnv().trustedDocuments;
    supergraph = await startTestSupergraph({ trustedDocuments: { ...defaults, mode: 'required' } });
    gateway = supergraph.gateway;
  });
  afterAll(async () => {
    await Promise.all(wsClients.map((client) => client.dispose()));
    await supergraph?.stop();
  });

  it('graphql-request: a mutation and a query, typed by the documents, with masked fragments read through useFragment', async () => {
    const { register } = await request({
      url: gateway.url,
      document: RegisterDocument,
      variables: { input: { email: 'ada@example.com', handle: 'ada', displayName: 'Ada', password: 'ada has a long password' } },
    });
    const session0 = useFragment(SessionFieldsFragmentDoc, register);
    token = session0.accessToken;
    expect(useFragment(ViewerFieldsFragmentDoc, session0.user)).toMatchObject({ __typename: 'User', handle: 'ada', role: 'USER' });
    const session = new GraphQLClient(gateway.url, { headers: bearer() });
    const { me } = await session.request(MeDocument);
    const viewer = useFragment(ViewerFieldsFragmentDoc, me!);
    expect(viewer).toMatchObject({ __typename: 'User', handle: 'ada' });
    userId = viewer.id;

    const { createShow } = await session.request(CreateShowDocument, { input: { slug: 'engines', title: 'Analytical Engines', category: 'SCIENCE', language: 'en' } });
    showId = useFragment(ShowFieldsFragmentDoc, createShow).id;
    expect(createShow.__typename).toBe('Show');
    expect(useFragment(ShowFieldsFragmentDoc, createShow)).toMatchObject({ __typename: 'Show', slug: 'engines', title: 'Analytical Engines', category: 'SCIENCE' });

    const { show } = await session.request(ShowDocument, { id: showId });
    expect(show?.owner).toEqual({ __typename: 'User', id: userId, handle: 'ada', displayName: 'Ada' });
    expect(useFragment(ShowFieldsFragmentDoc, show!).title).toBe('Analytical Engines');

    const { createEpisode } = await session.request(CreateEpisodeDocument, { input: { showId, title: 'Notes on the engine', description: '' } });
    episodeId = useFragment(EpisodeFieldsFragmentDoc, createEpisode).id;
    await session.request(PublishEpisodeDocument, { id: episodeId });
    // engagement accepts a like once it has heard of the publication
    await eventually(async () => session.request(LikeEpisodeDocument, { episodeId }));
  });

  it('Apollo Client: a query and a mutation normalised in its cache by __typename and id, by text and by hash alone', async () => {
    const sent: Sent[] = [];
    const http = new HttpLink({ uri: gateway.url, headers: bearer(), fetch: recordingFetch(sent) });
    const apollo = new ApolloClient({ link: http, cache: new InMemoryCache() });
    const { data } = await apollo.query({ query: ShowDocument, variables: { id: showId } });
    expect(data?.show?.__typename).toBe('Show');
    expect(useFragment(ShowFieldsFragmentDoc, data!.show!).title).toBe('Analytical Engines');
    // the cache holds the show under its typename and id, which a later mutation's answer updates
    expect(apollo.cache.identify({ __typename: 'Show', id: showId })).toBe(`Show:${showId}`);
    const { data: followed } = await apollo.mutate({ mutation: FollowShowDocument, variables: { showId } });
    expect(followed?.followShow).toEqual({ __typename: 'Show', id: showId, title: 'Analytical Engines', followerCount: 1, viewerFollows: true });
    expect((apollo.cache.extract() as Record<string, unknown>)[`Show:${showId}`]).toMatchObject({ followerCount: 1, viewerFollows: true });
    expect(sent.map((request) => request.method)).toEqual(['POST', 'POST']);

    // in production: only the hash, which the gateway finds in its manifest
    const hashed: Sent[] = [];
    const byHash = new ApolloClient({
      link: ApolloLink.from([new PersistedQueryLink({ sha256: async (text: string) => sha256(text) }), new HttpLink({ uri: gateway.url, headers: bearer(), fetch: recordingFetch(hashed) })]),
      cache: new InMemoryCache(),
    });
    const { data: again } = await byHash.query({ query: ShowDocument, variables: { id: showId } });
    expect(again?.show?.owner?.handle).toBe('ada');
    expect(hashed).toEqual([{ method: 'POST', query: undefined, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('urql: queries (a short one as GET) and a mutation, each with the text urql prints', async () => {
    const sent: Sent[] = [];
    const urql = new UrqlClient({ url: gateway.url, exchanges: [cacheExchange, fetchExchange], fetchOptions: () => ({ headers: bearer() }), fetch: recordingFetch(sent), preferGetMethod: 'within-url-limit' });
    const me = await urql.query(MeDocument, {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data?.me).toMatchObject({ __typename: 'User', id: userId });
    // urql leaves out the blank lines between definitions: another text than print()'s, listed beside it
    const shown = await urql.query(ShowDocument, { id: showId }).toPromise();
    expect(shown.error).toBeUndefined();
    expect(useFragment(ShowFieldsFragmentDoc, shown.data!.show!).slug).toBe('engines');
    expect(sent[1].query).toMatch(/\}\nfragment ShowFields on Show/);
    const unfollowed = await urql.mutation(UnfollowShowDocument, { showId }).toPromise();
    expect(unfollowed.error).toBeUndefined();
    expect(unfollowed.data?.unfollowShow).toMatchObject({ __typename: 'Show', id: showId, followerCount: 0, viewerFollows: false });
    expect(sent[0].method).toBe('GET');
    expect(sent[2].method).toBe('POST');
  });

  it('@wavegraph/client/ws: a typed subscription, authenticated by the token in connectionParams', async () => {
    const events = subscribe(wsClient(), CommentAddedDocument, { episodeId });
    const first = events.next();
    await listening(1);
    const posted = useFragment(CommentFieldsFragmentDoc, (await comment('First!')).postComment);
    const { value } = await first;
    expect(value.errors).toBeUndefined();
    expect(value.data?.commentAdded.episode).toEqual({ __typename: 'Episode', id: episodeId, title: 'Notes on the engine' });
    expect(useFragment(CommentFieldsFragmentDoc, value.data!.commentAdded)).toMatchObject({ __typename: 'Comment', body: 'First!', author: { handle: 'ada' } });
    expect(posted.id).toBe(useFragment(CommentFieldsFragmentDoc, value.data!.commentAdded).id);
    // ending the iteration completes the subscription at the gateway and upstream
    await events.return?.();
    await listening(0);
  });

  it('@wavegraph/client/ws: the viewer is the token’s owner, and without a token a viewer-only subscription is refused', async () => {
    const mine = subscribe(wsClient(), NotificationAddedDocument);
    const pending = mine.next();
    // notifications listens for this very user: the gateway took the viewer from connection_init
    await eventually(async () => supergraph.notifications.pubSub.listeners(`NOTIFICATION_ADDED:${userId}`) === 1);
    await mine.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });

    const anonymous = createWavegraphWsClient(gateway.url, { webSocketImpl: WebSocket, retryAttempts: 0 });
    wsClients.push(anonymous);
    const refused = await subscribe(anonymous, NotificationAddedDocument).next();
    expect(refused.value?.errors?.map((error: GraphQLFormattedError) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('Apollo Client (GraphQLWsLink) and urql (subscriptionExchange) subscribe over its graphql-ws client', async () => {
    const ws = wsClient();
    const apollo = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
    const fromApollo: CommentAddedSubscription[] = [];
    const apolloSubscription = apollo.subscribe({ query: CommentAddedDocument, variables: { episodeId } }).subscribe((result) => {
      if (result.data) fromApollo.push(result.data);
    });
    const urql = new UrqlClient({
      url: gateway.url,
      exchanges: [
        subscriptionExchange({
          forwardSubscription: (operation) => ({
            subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...operation, query: operation.query ?? '' }, sink) }),
          }),
        }),
      ],
    });
    const fromUrql: CommentAddedSubscription[] = [];
    const urqlSubscription = urql.subscription(CommentAddedDocument, { episodeId }).subscribe((result) => {
      if (result.data) fromUrql.push(result.data);
    });
    try {
      await listening(2);
      const posted = useFragment(CommentFieldsFragmentDoc, (await comment('Second')).postComment);
      await eventually(async () => fromApollo.length === 1 && fromUrql.length === 1);
      for (const [received] of [fromApollo, fromUrql]) {
        expect(useFragment(CommentFieldsFragmentDoc, received.commentAdded)).toMatchObject({ id: posted.id, body: 'Second' });
      }
    } finally {
      apolloSubscription.unsubscribe();
      urqlSubscription.unsubscribe();
    }
  });

  it('refuses a document that is not in the manifest, through the same clients', async () => {
    const urql = new UrqlClient({ url: gateway.url, exchanges: [fetchExchange], preferGetMethod: false });
    const adHoc = await urql.query('query Adhoc { me { id } }', {}).toPromise();
    expect(adHoc.error?.graphQLErrors.map((error) => error.extensions.code)).toEqual(['OPERATION_NOT_TRUSTED']);
  });
});

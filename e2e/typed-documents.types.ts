// Type tests of the typed documents, compiled (never run) by `tsc -p tsconfig.tests.json`: each
// `@ts-expect-error` fails the build if the line below it compiles, i.e. if the documents stop
// typing what Apollo Client, urql, graphql-request and @wavegraph/client/ws accept and return.
import type { ApolloClient } from '@apollo/client/core';
import type { Client as UrqlClient } from '@urql/core';
import {
  CommentAddedDocument,
  CommentFieldsFragmentDoc,
  CreateShowDocument,
  EpisodeFieldsFragmentDoc,
  MeDocument,
  NotificationAddedDocument,
  ShowDocument,
  ShowFieldsFragmentDoc,
  ShowsDocument,
  useFragment,
  type FragmentType,
  type ShowFieldsFragment,
} from '@wavegraph/client/documents';
import { subscribe } from '@wavegraph/client/ws';
import type { GraphQLClient } from 'graphql-request';
import type { Client as WsClient } from 'graphql-ws';

/** Compiles only when `value` is of type T (neither wider nor `any`). */
const exactly = <T>(value: T) => value;
type IsAny<T> = 0 extends 1 & T ? true : false;
const notAny = <T>(value: IsAny<T> extends true ? never : T) => value;

export async function withGraphqlRequest(client: GraphQLClient): Promise<void> {
  const { show } = await client.request(ShowDocument, { id: 'a-show' });
  notAny(show);
  if (!show) return;
  exactly<'Show'>(show.__typename);
  exactly<string | null>(show.owner?.handle ?? null);
  // @ts-expect-error: a wrong variable type (id is an ID: a string)
  await client.request(ShowDocument, { id: 42 });
  // @ts-expect-error: a missing required variable
  await client.request(ShowDocument, {});
  // @ts-expect-error: an enum value that does not exist
  await client.request(CreateShowDocument, { input: { slug: 's', title: 'T', category: 'COOKING_SHOWS', language: 'en' } });
  // optional variables may be left out
  await client.request(ShowsDocument, {});
  await client.request(MeDocument);
}

export function fragmentMasking(show: FragmentType<typeof ShowFieldsFragmentDoc>): string {
  // @ts-expect-error: a masked fragment's field is not readable without useFragment
  void show.title;
  // @ts-expect-error: nor through another fragment's document
  void useFragment(EpisodeFieldsFragmentDoc, show);
  const fields = useFragment(ShowFieldsFragmentDoc, show);
  exactly<ShowFieldsFragment['title']>(fields.title);
  exactly<string>(fields.title);
  // @ts-expect-error: the fragment's fields have their own types
  exactly<number>(fields.slug);
  return fields.title;
}

export async function withApolloClient(apollo: ApolloClient): Promise<void> {
  const { data } = await apollo.query({ query: ShowDocument, variables: { id: 'a-show' } });
  notAny(data);
  exactly<'Show' | undefined>(data?.show?.__typename);
  // @ts-expect-error: a masked fragment's field, read from Apollo's result
  void data?.show?.title;
  // @ts-expect-error: a wrong variable type
  await apollo.query({ query: ShowDocument, variables: { id: 42 } });
  // @ts-expect-error: a missing required variable
  await apollo.query({ query: ShowDocument, variables: {} });
  const created = await apollo.mutate({ mutation: CreateShowDocument, variables: { input: { slug: 's', title: 'T', category: 'NEWS', language: 'en' } } });
  exactly<'Show' | undefined>(created.data?.createShow.__typename);
  // @ts-expect-error: a required input field missing (language)
  await apollo.mutate({ mutation: CreateShowDocument, variables: { input: { slug: 's', title: 'T', category: 'NEWS' } } });
}

export async function withUrql(urql: UrqlClient): Promise<void> {
  const { data } = await urql.query(ShowDocument, { id: 'a-show' }).toPromise();
  notAny(data);
  exactly<'Show' | undefined>(data?.show?.__typename);
  // @ts-expect-error: a wrong variable type
  await urql.query(ShowDocument, { id: 42 }).toPromise();
  // @ts-expect-error: a missing required variable
  await urql.query(ShowDocument, {}).toPromise();
  urql.subscription(CommentAddedDocument, { episodeId: 'an-episode' });
  // @ts-expect-error: a subscription's required variable, missing
  urql.subscription(CommentAddedDocument, {});
}

export async function withTheWsModule(ws: WsClient): Promise<void> {
  for await (const result of subscribe(ws, CommentAddedDocument, { episodeId: 'an-episode' })) {
    notAny(result.data);
    const comment = result.data?.commentAdded;
    if (!comment) continue;
    exactly<string | undefined>(comment.episode?.title);
    exactly<string | null>(useFragment(CommentFieldsFragmentDoc, comment).body);
    // @ts-expect-error: a masked fragment's field, read from a subscription event
    void comment.body;
  }
  // an operation without variables needs none
  subscribe(ws, NotificationAddedDocument);
  // @ts-expect-error: a missing required variable
  subscribe(ws, CommentAddedDocument);
  // @ts-expect-error: an empty variables object, missing the required one
  subscribe(ws, CommentAddedDocument, {});
  // @ts-expect-error: a wrong variable type
  subscribe(ws, CommentAddedDocument, { episodeId: 7 });
}

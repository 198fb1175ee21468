import { GraphQLError } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { DocumentPolicy } from './trusted-documents';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The text a graphql-ws subscribe message runs, under the same policy as HTTP. graphql-ws requires
 * `query` to be a string, so a client sending a hash alone sends `query: ""` with
 * `extensions.persistedQuery`.
 */
export async function subscriptionDocument(policy: DocumentPolicy, payload: SubscribePayload): Promise<{ query: string } | { errors: GraphQLError[] }> {
  const persisted = isRecord(payload.extensions) ? payload.extensions.persistedQuery : undefined;
  const hash = isRecord(persisted) && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
  const query = payload.query === '' ? undefined : payload.query;
  const refused = policy.refusal({ query, hash });
  if (refused) return { errors: [refused] };
  if (query !== undefined || hash === undefined) return { query: query ?? '' };
  const text = await policy.lookup(hash);
  if (text === undefined) return { errors: [new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })] };
  return { query: text };
}

import type { ApolloServerPlugin } from '@apollo/server';
import { REDIS_RETRY_AFTER_SECONDS } from '@wavegraph/redis';
import { Kind, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';

const retryAfterOf = (error: GraphQLFormattedError): number | undefined => {
  const value = error.extensions?.retryAfter;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
};

/** Response keys of the operation's root fields (those of its root inline fragments included), `__typename` aside. */
function rootKeys(operation: OperationDefinitionNode): string[] {
  const keys: string[] = [];
  const walk = (selections: OperationDefinitionNode['selectionSet']['selections']): void => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD && selection.name.value !== '__typename') keys.push(selection.alias?.value ?? selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet.selections);
    }
  };
  walk(operation.selectionSet.selections);
  return keys;
}

/**
 * Whether the operation got nothing done because a dependency is away for now, so that sending
 * it again is the thing to do: every error is SERVICE_UNAVAILABLE and there is no data, because
 * it never ran (the cost model), or it is a read (nothing to undo), or each of its mutations
 * failed so itself (a subgraph's Redis). When one mutation did run beside one that could not,
 * its effect stands even if null propagation emptied `data`: not an answer to retry blindly.
 */
function nothingDone(data: unknown, errors: readonly GraphQLFormattedError[] | undefined, operation: OperationDefinitionNode | undefined): boolean {
  if (!errors?.length || !errors.every((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')) return false;
  if (data === undefined) return true;
  if (!operation) return false;
  if (operation.operation !== 'mutation') return data === null;
  const keys = rootKeys(operation);
  // a mutation returning a reference (likeEpisode: Episode) is nullable: its failure leaves its key null, not data
  if (data !== null && !keys.every((key) => (data as Record<string, unknown>)[key] === null)) return false;
  const failed = new Set(errors.map((error) => (error.path?.length === 1 ? error.path[0] : undefined)));
  return keys.every((key) => failed.has(key));
}

/**
 * An operation that got nothing done because a dependency is away for now is answered HTTP 503
 * with `Retry-After`, so clients and proxies retry it instead of reporting a failure. Its
 * seconds are the longest `extensions.retryAfter` among the errors, else a Redis restart's.
 * Anything else keeps its status: partial answers are 200, their errors located.
 */
export function serviceUnavailablePlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!nothingDone(data, errors, operation ?? undefined)) return;
          const seconds = Math.max(...errors!.map((error) => retryAfterOf(error) ?? REDIS_RETRY_AFTER_SECONDS));
          response.http.status = 503;
          if (!response.http.headers.has('retry-after')) response.http.headers.set('retry-after', String(seconds));
        },
      };
    },
  };
}

import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { Kind, type FormattedExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context';
import { fingerprintOf, IDEMPOTENCY_KEY_HEADER, MAX_KEY_LENGTH, parseIdempotencyKey, REPLAYED_HEADER, scopeOf } from './key';
import type { Claim, IdempotencyStore } from './store';

/** What became of a request that carried a key (the `outcome` label of the gateway's idempotency counter). */
export type IdempotencyOutcome = 'stored' | 'replayed' | 'released' | 'in_use' | 'reused' | 'invalid' | 'unavailable';

/** Failures that say "nothing happened, try again": their answers are not kept, so a retry runs. */
const RETRYABLE_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE']);

/**
 * Whether an answer is kept for retries. Not when it failed in a way a retry may fix (a 5xx or
 * 429, or a retryable error code) and no root field has a value: nothing ran, as far as the
 * gateway can tell. When a root field has a value, something ran, and the answer is kept even if
 * another part failed, so that a retry does not run it twice.
 */
export function worthKeeping(status: number, result: FormattedExecutionResult): boolean {
  if (status >= 500 || status === 429) return false;
  const retryable = result.errors?.some((error) => RETRYABLE_CODES.has(String(error.extensions?.code)));
  if (!retryable) return true;
  return Object.values(result.data ?? {}).some((value) => value !== null && value !== undefined);
}

function answer(status: number, result: FormattedExecutionResult, headers: Record<string, string> = {}): GraphQLResponse {
  return { http: { status, headers: new HeaderMap(Object.entries(headers)) }, body: { kind: 'single', singleResult: result } };
}

function refusal(status: number, code: string, message: string, retryAfter?: number): GraphQLResponse {
  const extensions = retryAfter === undefined ? { code } : { code, retryAfter };
  return answer(status, { errors: [{ message, extensions }] }, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
}

export interface IdempotencyPluginOptions {
  store: IdempotencyStore;
  /** Root mutation fields whose answers are never stored (they carry credentials): a key on them is ignored. */
  skipFields: ReadonlySet<string>;
  log: Logger;
  count(outcome: IdempotencyOutcome): void;
}

/**
 * Idempotent mutations through the `Idempotency-Key` request header. What a client can rely on:
 * - only mutations: a key on a query is ignored (queries are safe to repeat, so clients may send
 *   a key with every request), and so is a key on a mutation selecting a root field of
 *   skipFields (GATEWAY_IDEMPOTENCY_SKIP_FIELDS, default register,login,refreshSession: their
 *   answers carry session tokens, which are kept nowhere in clear);
 * - the key is 1–255 visible ASCII characters (quotes around it are dropped); anything else is
 *   refused with 400 IDEMPOTENCY_KEY_INVALID before anything runs;
 * - keys are scoped to the signed-in viewer, or to the client address when anonymous;
 * - the first request with a key runs and its answer is kept for ttlSeconds
 *   (GATEWAY_IDEMPOTENCY_TTL_SECONDS, default 24 h), unless it failed
 *   retryably (SUBGRAPH_UNAVAILABLE, DEADLINE_EXCEEDED, RATE_LIMITED, a 5xx) with nothing done:
 *   then the key is freed and a retry runs;
 * - a retry with the same key and the same operation, operation name and variables gets the
 *   stored answer, byte for byte and with its status, plus `Idempotent-Replayed: true`;
 * - a retry while the first request still runs waits for it up to waitMs
 *   (GATEWAY_IDEMPOTENCY_WAIT_MS, default 10 s), then gets a retryable 409 IDEMPOTENCY_KEY_IN_USE
 *   with Retry-After; a first request that never answers (its replica died) holds its key for
 *   lockMs (GATEWAY_IDEMPOTENCY_LOCK_MS, default 60 s);
 * - the same key with another operation or other variables gets 422 IDEMPOTENCY_KEY_REUSED;
 * - while Redis cannot be reached, a mutation with a key is refused (503 SERVICE_UNAVAILABLE,
 *   retryable) rather than run without the protection it asked for.
 * An Apollo Server plugin rather than HTTP middleware: it runs after the document is parsed and
 * validated (it must know the operation is a mutation, and a request refused before running
 * keeps nothing, as Stripe does), on both of the gateway's HTTP paths. Our own because the
 * maintained middleware (express-idempotency, @node-idempotency/core) sees only HTTP bodies, not
 * GraphQL operations, cannot free a key after a retryable failure, keeps an in-flight claim as
 * long as an answer (a replica dying mid-request would lock its key for a day), and would need
 * an adapter for the gateway's ioredis connection anyway.
 */
export function idempotencyPlugin(options: IdempotencyPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let claim: Claim | undefined;
      return {
        async responseForOperation({ operation, request, source, contextValue }) {
          if (operation.operation !== 'mutation') return null;
          const header = request.http?.headers.get(IDEMPOTENCY_KEY_HEADER);
          if (header === undefined) return null;
          const roots = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
          if (roots.some((name) => options.skipFields.has(name))) return null;
          const key = parseIdempotencyKey(header);
          if (key === null) {
            options.count('invalid');
            return refusal(400, 'IDEMPOTENCY_KEY_INVALID', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters`);
          }
          const fingerprint = fingerprintOf(source, request.operationName, request.variables);
          let begun;
          try {
            begun = await options.store.begin(scopeOf(contextValue.viewer, contextValue.clientIp), key, fingerprint);
          } catch (error) {
            options.log.warn({ err: error }, 'idempotency keys unavailable: a mutation with a key is refused');
            options.count('unavailable');
            return refusal(503, 'SERVICE_UNAVAILABLE', 'Idempotency keys cannot be checked right now; retry shortly', 1);
          }
          switch (begun.kind) {
            case 'claimed':
              claim = begun.claim;
              return null;
            case 'replay':
              options.count('replayed');
              return answer(begun.status, JSON.parse(begun.body) as FormattedExecutionResult, { [REPLAYED_HEADER]: 'true' });
            case 'in-use':
              options.count('in_use');
              return refusal(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running; retry shortly', 1);
            case 'reused':
              options.count('reused');
              return refusal(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another operation or other variables');
          }
        },
        async willSendResponse({ response }) {
          if (!claim) return;
          const held = claim;
          claim = undefined;
          const status = response.http.status ?? 200;
          try {
            if (response.body.kind === 'single' && worthKeeping(status, response.body.singleResult)) {
              await options.store.complete(held, status, JSON.stringify(response.body.singleResult));
              options.count('stored');
            } else {
              await options.store.release(held);
              options.count('released');
            }
          } catch (error) {
            // the claim expires after lockMs; until then a retry is told the key is in use
            options.log.warn({ err: error }, 'could not record the outcome of an idempotent request');
          }
        },
      };
    },
  };
}

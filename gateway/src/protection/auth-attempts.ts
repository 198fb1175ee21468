import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { getArgumentValues, Kind, type FieldNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Limit } from './limiter';
import { rateLimited } from './rate-limited';
import { lockoutSeconds, type RateLimits } from './rate-limits';

interface Caller {
  clientIp?: string;
}

/** The mutations a password guesser or a sign-up bot uses, and which limits guard each. */
type Guarded = 'login' | 'register' | 'refreshSession';
const GUARDED = new Set<string>(['login', 'register', 'refreshSession']);

interface Attempt {
  field: Guarded;
  responseKey: string;
  /** The account a login or sign-up is for, as typed (lowercased): keyed whether or not it exists. */
  account?: string;
}

function attemptsIn(operation: OperationDefinitionNode, schema: GraphQLSchema, variables: Record<string, unknown>): Attempt[] {
  if (operation.operation !== 'mutation') return [];
  const fields = schema.getMutationType()?.getFields() ?? {};
  return operation.selectionSet.selections.flatMap((selection): Attempt[] => {
    if (selection.kind !== Kind.FIELD || !GUARDED.has(selection.name.value) || !fields[selection.name.value]) return [];
    const field = selection.name.value as Guarded;
    const attempt: Attempt = { field, responseKey: selection.alias?.value ?? field };
    if (field !== 'refreshSession') attempt.account = accountOf(fields[field], selection, variables);
    return [attempt];
  });
}

function accountOf(definition: Parameters<typeof getArgumentValues>[0], node: FieldNode, variables: Record<string, unknown>): string {
  try {
    const { input } = getArgumentValues(definition, node, variables) as { input?: { email?: unknown } };
    return typeof input?.email === 'string' ? input.email.trim().toLowerCase() : '';
  } catch {
    // invalid arguments fail validation later; count them under one key rather than none
    return '';
  }
}

async function refuseIfOver(limit: Limit | null, key: string, what: string, count: boolean): Promise<void> {
  if (!limit) return;
  const verdict = count ? await limit.take(key) : await limit.peek(key);
  if (!verdict.allowed) throw rateLimited(verdict, what);
}

/**
 * Login, register and refresh get limits of their own (OWASP authentication guidance), checked
 * before any subgraph is called: attempts per IP, failed logins per IP, and per account a wait
 * that doubles with each failure past the free ones. The answer is the same whether or not the
 * account exists: the gateway never knows, it counts what was typed.
 */
export function authAttemptsPlugin<T extends Caller>(limits: RateLimits): ApolloServerPlugin<T> {
  const { settings } = limits;
  return {
    async requestDidStart() {
      let attempts: Attempt[] = [];
      return {
        async didResolveOperation(ctx: GraphQLRequestContext<T>) {
          if (!ctx.operation) return;
          attempts = attemptsIn(ctx.operation, ctx.schema, ctx.request.variables ?? {});
          const ip = ctx.contextValue.clientIp ?? 'unknown';
          for (const attempt of attempts) {
            if (attempt.field === 'register') {
              await refuseIfOver(limits.registerPerIp, ip, 'sign-ups from this address', true);
              // probing whether one address has an account, from many IPs
              await refuseIfOver(limits.registerPerAccount, attempt.account ?? '', 'sign-ups with this email', true);
            }
            if (attempt.field === 'refreshSession') await refuseIfOver(limits.refreshPerIp, ip, 'refreshes from this address', true);
            if (attempt.field === 'login') {
              await refuseIfOver(limits.loginPerIp, ip, 'sign-in attempts from this address', true);
              await refuseIfOver(limits.loginFailuresPerIp, ip, 'failed sign-ins from this address', false);
              await refuseIfOver(limits.loginLockout, attempt.account ?? '', 'failed sign-ins for this account', false);
            }
          }
        },
        async willSendResponse(ctx: GraphQLRequestContext<T>) {
          const logins = attempts.filter((attempt) => attempt.field === 'login');
          const body = ctx.response.body;
          if (!logins.length || body?.kind !== 'single') return;
          const { data, errors } = body.singleResult;
          for (const login of logins) {
            const account = login.account ?? '';
            const failed = errors?.some((error) => error.path?.[0] === login.responseKey && error.extensions?.code === 'UNAUTHENTICATED');
            if (failed) {
              if (limits.loginFailuresPerIp) await limits.loginFailuresPerIp.add(ctx.contextValue.clientIp ?? 'unknown');
              const wait = lockoutSeconds(await limits.loginFailures.add(account), settings.loginFreeFailures, settings.loginMaxDelaySeconds);
              if (wait > 0) await limits.loginLockout.block(account, wait);
            } else if (data?.[login.responseKey]) {
              await limits.loginFailures.reset(account);
              await limits.loginLockout.reset(account);
            }
          }
        },
      };
    },
  };
}

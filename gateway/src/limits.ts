import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

/**
 * An operation refused for its shape or size. Apollo Server reports every validation error as
 * GRAPHQL_VALIDATION_FAILED; formatError recognises this class behind it and says QUERY_TOO_COMPLEX.
 */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
  }
}

// Armor's messages start with "Syntax Error: "; these are limits, not syntax errors
const report = (context: ValidationContext | null, error: GraphQLError): void => {
  context?.reportError(new QueryTooComplexError(error.message.replace(/^Syntax Error: /, '')));
};

/**
 * GraphQL Armor's depth, alias and directive limits as validation rules, for the HTTP and the
 * graphql-ws paths alike. Each counts through fragment spreads as executed: a fragment spread
 * five times counts five times. Refusals are reported as validation errors (not thrown), so the
 * other rules still run and the client gets every reason at once.
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false, onReject: [report] };
  return [
    // flattenFragments: a fragment adds the depth of its fields, not a level of its own
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true }),
    maxAliasesRule({ ...common, n: limits.maxAliases }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives }),
  ];
}

/**
 * graphql-js's parser enforces the token limit itself (`maxTokens`, the cheapest place: it stops
 * reading), so Armor's max-tokens, a replacement parser for Envelop, is not needed; this tells
 * its refusal apart from a syntax error so that it is reported as QUERY_TOO_COMPLEX too.
 */
export function isTokenLimitError(error: unknown): boolean {
  return error instanceof GraphQLError && /Document contains more th\w+ \d+ tokens/.test(error.message);
}

/**
 * Removes "Did you mean …?" from validation messages, the rule Apollo Server applies over HTTP
 * with `hideSchemaDetailsFromClientErrors`; graphql-ws has no such option, so its path uses this.
 */
export const withoutSuggestions = (message: string): string => message.replace(/ ?Did you mean(.+?)\?$/, '');

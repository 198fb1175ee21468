import type { Viewer } from '@wavegraph/auth';
import { getOperationAST, getVariableValues, GraphQLError, parse, type DocumentNode, type ValidationRule } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { GatewayConfig } from '../config';
import { overBudget, type CostModel } from '../cost';
import { isTokenLimitError, QueryTooComplexError, withoutSuggestions } from '../limits';
import type { CheckedDocument, SubscriptionPlan, SubscriptionPlanner } from './planner';
import { nulCharacterError } from '../protection/well-formed';

/** A subscription that passed every check an HTTP operation passes, with its plan. */
export interface PreparedOperation {
  document: DocumentNode;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  plan: SubscriptionPlan;
}

const failed = (message: string, code: string): { errors: GraphQLError[] } => ({ errors: [new GraphQLError(message, { extensions: { code } })] });

/** What an operation is checked against, besides the schema: the same limits and budgets as over HTTP. */
export interface OperationChecks {
  config: Pick<GatewayConfig, 'maxTokens' | 'production' | 'cost'>;
  /** Armor's depth, alias and directive rules (queryLimitRules). */
  limitRules: readonly ValidationRule[];
  costModel: CostModel | undefined;
  viewer: Viewer | null;
}

function validationError(error: GraphQLError, production: boolean): GraphQLError {
  if (error instanceof QueryTooComplexError) return error;
  const message = production ? withoutSuggestions(error.message) : error.message;
  return new GraphQLError(message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

/** Parses (token limit) and validates (depth, aliases, directives): what depends on the text alone. */
function checkDocument(planner: SubscriptionPlanner, query: string, checks: OperationChecks): CheckedDocument {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: checks.config.maxTokens });
  } catch (error) {
    if (isTokenLimitError(error)) return { errors: [new QueryTooComplexError((error as GraphQLError).message)] };
    return failed(error instanceof GraphQLError ? error.message : 'Syntax error', 'GRAPHQL_PARSE_FAILED');
  }
  const invalid = planner.validate(document, checks.limitRules);
  if (invalid.length > 0) return { errors: invalid.map((error) => validationError(error, checks.config.production)) };
  return { document };
}

/** Parses (token limit), validates (depth, aliases, directives), prices, checks variables and plans. */
export function prepareOperation(planner: SubscriptionPlanner, payload: SubscribePayload, checks: OperationChecks): PreparedOperation | { errors: readonly GraphQLError[] } {
  const { config } = checks;
  const checked = planner.checked(payload.query, () => checkDocument(planner, payload.query, checks));
  if ('errors' in checked) return checked;
  const { document } = checked;
  const operationName = payload.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return failed('Unable to identify the operation to run', 'BAD_REQUEST');
  if (operation.operation !== 'subscription') return failed('Only subscriptions run over WebSocket; send queries and mutations over HTTP', 'BAD_REQUEST');
  const variables = payload.variables ?? {};
  if (!checks.costModel) return failed('The gateway cannot price operations yet', 'SERVICE_UNAVAILABLE');
  const tooCostly = overBudget(checks.costModel, config.cost.budgets, checks.viewer, { document, operationName, variables });
  if (tooCostly) return { errors: [tooCostly] };
  const coerced = getVariableValues(planner.schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return { errors: coerced.errors.map((error) => new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } })) };
  const nul = nulCharacterError(document, variables);
  if (nul) return { errors: [nul] };
  try {
    const plan = planner.plan(document, operationName, `${operationName ?? ''}\n${payload.query}`);
    return { document, query: payload.query, operationName, variables, plan };
  } catch (error) {
    return failed(error instanceof Error ? error.message : 'Cannot plan this subscription', 'GRAPHQL_VALIDATION_FAILED');
  }
}

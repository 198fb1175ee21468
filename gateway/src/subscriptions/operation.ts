import { getOperationAST, getVariableValues, GraphQLError, parse, type DocumentNode } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { GatewayConfig } from '../config';
import { checkQueryLimits } from '../limits';
import type { SubscriptionPlan, SubscriptionPlanner } from './planner';

/** A subscription that passed every check an HTTP operation passes, with its plan. */
export interface PreparedOperation {
  document: DocumentNode;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  plan: SubscriptionPlan;
}

const failed = (message: string, code: string): { errors: GraphQLError[] } => ({ errors: [new GraphQLError(message, { extensions: { code } })] });

/** Parses (token limit), validates, applies depth and alias limits, checks variables and plans. */
export function prepareOperation(
  planner: SubscriptionPlanner,
  payload: SubscribePayload,
  config: Pick<GatewayConfig, 'maxTokens' | 'maxDepth' | 'maxAliases'>,
): PreparedOperation | { errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: config.maxTokens });
  } catch (error) {
    return failed(error instanceof GraphQLError ? error.message : 'Syntax error', 'GRAPHQL_PARSE_FAILED');
  }
  const invalid = planner.validate(document);
  if (invalid.length > 0) return { errors: invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
  const operationName = payload.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return failed('Unable to identify the operation to run', 'BAD_REQUEST');
  if (operation.operation !== 'subscription') return failed('Only subscriptions run over WebSocket; send queries and mutations over HTTP', 'BAD_REQUEST');
  const tooComplex = checkQueryLimits(document, operation, config);
  if (tooComplex) return { errors: [tooComplex] };
  const variables = payload.variables ?? {};
  const coerced = getVariableValues(planner.schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return { errors: coerced.errors.map((error) => new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } })) };
  try {
    const plan = planner.plan(document, operationName, `${operationName ?? ''}\n${payload.query}`);
    return { document, query: payload.query, operationName, variables, plan };
  } catch (error) {
    return failed(error instanceof Error ? error.message : 'Cannot plan this subscription', 'GRAPHQL_VALIDATION_FAILED');
  }
}

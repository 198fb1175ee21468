import { isStaff, type Viewer } from '@wavegraph/auth';
import type { DocumentNode } from 'graphql';
import type { CostBudgets } from '../config';
import { QueryTooComplexError } from '../limits';
import { operationCost } from './calculator';
import type { CostModel } from './model';

/** The most an operation may cost for this caller: staff, else their plan, else anonymous. */
export function budgetFor(budgets: CostBudgets, viewer: Viewer | null): number {
  if (!viewer) return budgets.anonymous;
  if (isStaff(viewer)) return budgets.staff;
  return budgets[viewer.plan];
}

export interface PricedOperation {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** The refusal of an operation over the caller's budget, with both numbers, or undefined when it fits. */
export function overBudget(model: CostModel, budgets: CostBudgets, viewer: Viewer | null, operation: PricedOperation): QueryTooComplexError | undefined {
  const cost = operationCost(model, operation.document, operation.operationName, operation.variables);
  const budget = budgetFor(budgets, viewer);
  if (cost <= budget) return undefined;
  return new QueryTooComplexError(`Operation cost ${cost} exceeds the budget of ${budget}`, { cost, budget });
}

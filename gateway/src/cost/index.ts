export { operationCost, MUTATION_WEIGHT } from './calculator';
export { costModelOf, type CostModel, type ListSize } from './model';
export { budgetFor, overBudget } from './budget';
export { demandControlPlugin } from './plugin';

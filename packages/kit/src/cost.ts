/**
 * `@cost` of a Subscription root field: each one holds an upstream subscription open and is
 * executed again, through the other subgraphs, for every event it delivers.
 * Put it on the field with `@Directive(SUBSCRIPTION_COST)`.
 */
export const SUBSCRIPTION_COST = '@cost(weight: 10)';

import type { Page } from '@wavegraph/kit';

/** The same page with each node replaced, e.g. a like row by the Episode reference it points at. */
export const mapNodes = <T, U>(page: Page<T>, map: (node: T) => U): Page<U> => ({
  ...page,
  edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) })),
});

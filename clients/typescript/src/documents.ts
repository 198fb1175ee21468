// The typed documents (client preset): every operation of clients/operations as a TypedDocumentNode,
// its result and variables types, and fragment masking (`useFragment`, `FragmentType`).
// The preset's `graphql()` function is left out: it serves documents written inline in sources,
// and ours live in .graphql files.
export * from './documents/graphql';
export * from './documents/fragment-masking';

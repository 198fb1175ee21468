/**
 * Honest partial data through references. A field whose type is an entity another subgraph
 * completes (catalog's `Show.owner: User`, discovery's `TrendingEpisode.episode`, engagement's
 * `likeEpisode: Episode`) is nullable, and so are its list items and a connection's `node`
 * (`connectionOf(…, { referenceNodes: true })`): when that subgraph is down or slow, the
 * gateway nulls the reference, with an error at each field it could not get, instead of
 * letting a non-null field it could not get null the list or the whole answer holding it.
 * Spread it into the field's options: `@Field(() => User, { ...REFERENCE, description })`.
 */
export const REFERENCE = { nullable: true } as const;

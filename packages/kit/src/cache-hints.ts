import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import type { GraphQLResolveInfo } from 'graphql';

/**
 * Cache hints, read by Apollo Server's cache-control plugin (on in every subgraph) to compute
 * each response's policy, which it states in the `Cache-Control` header the gateway's entity
 * cache obeys (`max-age=N, public` may be shared by every viewer; `no-store` or `private` never).
 *
 * The plugin's rules, which the hints below rely on:
 * - An `_entities` answer takes the hint of each entity type resolved (@apollo/subgraph applies
 *   it): an entity type without a hint makes the answer uncacheable (maxAge 0).
 * - A field returning an object type takes that type's hint, or maxAge 0 when it has none.
 * - A scalar field without a hint does not restrict the policy: every field whose value depends
 *   on who asks must say so with VIEWER_DEPENDENT, or it would be shared.
 * - The policy of a response is the most restrictive of all its fields'; any error makes it `no-store`.
 */
export const CACHE_CONTROL_DEFINITIONS = `
enum CacheControlScope @inaccessible { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;

/** A type or field every viewer sees alike, cached up to `seconds` (and purged earlier by the events that change it). */
export const publicFor = (seconds: number): string => `@cacheControl(maxAge: ${seconds})`;

/** A field whose value depends on who asks (viewerHasLiked, own history, anything filtered by the viewer): never shared. */
export const VIEWER_DEPENDENT = '@cacheControl(maxAge: 0, scope: PRIVATE)';

/** A field every viewer sees alike but that no event purges under its parent entity (a user's follows listed on another entity): not cached. */
export const NOT_CACHED = '@cacheControl(maxAge: 0)';

/** A field (or wrapper type: connections, edges) that adds no policy of its own: it lives as long as its parent. */
export const INHERIT_CACHE = '@cacheControl(inheritMaxAge: true)';

/**
 * Marks the answer being resolved as depending on who asks (an unpublished episode its owner may
 * see, a reference hidden from this viewer), so no cache shares it.
 */
export function markViewerDependent(info: GraphQLResolveInfo | undefined): void {
  const cacheControl = info ? maybeCacheControlFromInfo(info) : null;
  cacheControl?.cacheHint.restrict({ maxAge: 0, scope: 'PRIVATE' });
}

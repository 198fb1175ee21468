/** A subgraph response's cache policy as Apollo Server's cache-control plugin states it in `Cache-Control`. */
export interface CachePolicy {
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

// exactly what @apollo/server's cache-control plugin writes for a cacheable response; it writes
// `no-store` for everything else (maxAge 0, unhinted root or object fields, any error)
const CACHEABLE = /^max-age=(\d+), (public|private)$/;

/** The policy of `header`, or null when the response may not be cached (no header, `no-store`, anything unknown). */
export function cachePolicyOf(header: string | undefined): CachePolicy | null {
  const match = header ? CACHEABLE.exec(header.trim()) : null;
  if (!match) return null;
  return { maxAge: Number(match[1]), scope: match[2] === 'public' ? 'PUBLIC' : 'PRIVATE' };
}

/** Only an answer every viewer would get alike, with a lifetime, may be shared. */
export const isShareable = (policy: CachePolicy | null | undefined): policy is CachePolicy =>
  policy !== null && policy !== undefined && policy.scope === 'PUBLIC' && policy.maxAge > 0;

/** Where a subgraph response carries its policy through the batcher's split (object spread copies symbol keys). */
export const CACHE_POLICY = Symbol('wavegraph.cachePolicy');

export type WithCachePolicy<T> = T & { [CACHE_POLICY]?: CachePolicy | null };

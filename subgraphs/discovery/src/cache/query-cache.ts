import { createHash } from 'node:crypto';
import type { Logger } from '@wavegraph/kit';
import type Redis from 'ioredis';

/**
 * What a cached result was computed from. Catalog events and media's transcripts change `docs`
 * (search, browse and everything that shows only published episodes); engagement events change `activity`
 * (trending, similar). Plays are the hottest events, so they leave search and browse cached.
 */
export type CacheScope = 'docs' | 'activity';

export const DEFAULT_TTL_SECONDS = 60;

/**
 * Redis cache for hot discovery queries. Every key includes the current generation of the
 * scopes it depends on; invalidating bumps a generation, so every older entry is simply never
 * read again and expires on its TTL. A result computed from old data while a generation is
 * bumped lands under the old generation, which no reader asks for any more.
 * Every result of discovery is viewer-independent, so one entry serves everyone.
 * The cache is an optimisation only: when Redis fails, queries go to Postgres.
 */
export class QueryCache {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly log: Logger,
    private readonly ttlSeconds = DEFAULT_TTL_SECONDS,
  ) {
    this.base = `${prefix}:discovery:cache`;
  }

  private generationKey = (scope: CacheScope): string => `${this.base}:generation:${scope}`;

  async remember<T>(name: string, args: unknown, scopes: readonly CacheScope[], compute: () => Promise<T>): Promise<T> {
    let key: string;
    try {
      const generations = await this.redis.mget(...scopes.map(this.generationKey));
      key = `${this.base}:${createHash('sha256').update(JSON.stringify([name, args, scopes, generations])).digest('base64url')}`;
      const hit = await this.redis.get(key);
      if (hit !== null) return JSON.parse(hit) as T;
    } catch (error) {
      this.log.warn({ err: error, query: name }, 'discovery cache unavailable; reading from the database');
      return compute();
    }
    const value = await compute();
    await this.redis.set(key, JSON.stringify(value), 'EX', this.ttlSeconds).catch((error: unknown) => {
      this.log.warn({ err: error, query: name }, 'discovery cache write failed');
    });
    return value;
  }

  /** Makes every entry depending on `scopes` unreachable. A failure is logged: the TTL bounds staleness. */
  async invalidate(scopes: readonly CacheScope[]): Promise<void> {
    if (!scopes.length) return;
    try {
      const tx = this.redis.multi();
      for (const scope of scopes) tx.incr(this.generationKey(scope));
      await tx.exec();
    } catch (error) {
      this.log.warn({ err: error, scopes }, 'discovery cache invalidation failed; entries expire on their TTL');
    }
  }
}

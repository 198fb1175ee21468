import type { Logger, Redis } from '@wavegraph/kit';

export interface RenderedFeed {
  xml: string;
  etag: string;
  lastModified: Date;
}

/** Stores only when no invalidation came between reading the generation and rendering (a stale feed never lands). */
const STORE_IF_CURRENT = `
if (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'xml', ARGV[2], 'etag', ARGV[3], 'lastModified', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * Rendered feeds in Redis, one hash per show (`gen`, `xml`, `etag`, `lastModified`). Events
 * invalidate by bumping `gen` and dropping the rest; a render started before that cannot store
 * its now stale result. Redis being away only costs renders: every call falls back quietly.
 */
export class FeedCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly log: Logger,
  ) {}

  private key(slug: string): string {
    return `${this.prefix}:catalog:feed:${slug}`;
  }

  /** The cached feed, or the generation a render must store under (null: Redis did not answer, do not store). */
  async read(slug: string): Promise<{ hit: RenderedFeed } | { gen: string | null }> {
    try {
      const entry = await this.redis.hgetall(this.key(slug));
      if (entry.xml !== undefined && entry.etag && entry.lastModified) {
        return { hit: { xml: entry.xml, etag: entry.etag, lastModified: new Date(Number(entry.lastModified)) } };
      }
      return { gen: entry.gen ?? '0' };
    } catch (err) {
      this.log.warn({ err }, 'feed cache unavailable: rendering');
      return { gen: null };
    }
  }

  async store(slug: string, gen: string, feed: RenderedFeed): Promise<void> {
    try {
      await this.redis.eval(STORE_IF_CURRENT, 1, this.key(slug), gen, feed.xml, feed.etag, String(feed.lastModified.getTime()), String(this.ttlSeconds));
    } catch (err) {
      this.log.warn({ err }, 'feed cache unavailable: not stored');
    }
  }

  /** Throws when Redis cannot be told (the caller logs it; the TTL bounds how long a feed can stay stale). */
  async invalidate(slugs: readonly string[]): Promise<void> {
    if (!slugs.length) return;
    const batch = this.redis.multi();
    for (const slug of slugs) {
      const key = this.key(slug);
      batch.hincrby(key, 'gen', 1).hdel(key, 'xml', 'etag', 'lastModified').expire(key, this.ttlSeconds);
    }
    await batch.exec();
  }
}

import type { Logger, Redis } from '@wavegraph/kit';

export interface RenderedFeed {
  body: Buffer;
  /** The same bytes gzipped, for the clients that accept it (podcast apps do). */
  gzip: Buffer;
  etag: string;
  lastModified: Date;
}

/** Stores only when no invalidation came between reading the generation and rendering (a stale feed never lands). */
const STORE_IF_CURRENT = `
if (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'xml', ARGV[2], 'etag', ARGV[3], 'lastModified', ARGV[4], 'gzip', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1`;

/** How many bytes of feeds a replica keeps in memory beside Redis (the most recently served ones). */
const LOCAL_BYTES = 64 * 1024 * 1024;

/**
 * Rendered feeds in Redis, one hash per show (`gen`, `xml`, `gzip`, `etag`, `lastModified`). Events
 * invalidate by bumping `gen` and dropping the rest; a render started before that cannot store
 * its now stale result. Each replica also keeps the bodies it served last in memory, used only
 * while Redis still names the same ETag, so a hit moves a few bytes from Redis instead of the
 * whole feed (a megabyte and more for a long-running show). Redis being away only costs renders:
 * every call falls back quietly.
 */
export class FeedCache {
  /** Insertion order is recency: a hit moves its entry to the end; the front is evicted first. */
  private readonly local = new Map<string, RenderedFeed>();
  private localBytes = 0;

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
      const key = this.key(slug);
      const [etag, lastModified, gen] = await this.redis.hmget(key, 'etag', 'lastModified', 'gen');
      if (etag && lastModified) {
        const local = this.local.get(slug);
        if (local?.etag === etag) return { hit: this.remember(slug, local) };
        const [body, gzip] = await this.redis.hmgetBuffer(key, 'xml', 'gzip');
        if (body && gzip) return { hit: this.remember(slug, { body, gzip, etag, lastModified: new Date(Number(lastModified)) }) };
      }
      return { gen: gen ?? '0' };
    } catch (err) {
      this.log.warn({ err }, 'feed cache unavailable: rendering');
      return { gen: null };
    }
  }

  async store(slug: string, gen: string, feed: RenderedFeed): Promise<void> {
    try {
      await this.redis.eval(STORE_IF_CURRENT, 1, this.key(slug), gen, feed.body, feed.etag, String(feed.lastModified.getTime()), String(this.ttlSeconds), feed.gzip);
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
      batch.hincrby(key, 'gen', 1).hdel(key, 'xml', 'gzip', 'etag', 'lastModified').expire(key, this.ttlSeconds);
    }
    await batch.exec();
  }

  private remember(slug: string, feed: RenderedFeed): RenderedFeed {
    const before = this.local.get(slug);
    if (before) {
      this.local.delete(slug);
      this.localBytes -= before.body.length + before.gzip.length;
    }
    if (feed.body.length + feed.gzip.length > LOCAL_BYTES) return feed;
    this.local.set(slug, feed);
    this.localBytes += feed.body.length + feed.gzip.length;
    for (const [oldest, entry] of this.local) {
      if (this.localBytes <= LOCAL_BYTES) break;
      this.local.delete(oldest);
      this.localBytes -= entry.body.length + entry.gzip.length;
    }
    return feed;
  }
}

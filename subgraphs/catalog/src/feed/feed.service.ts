import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { EventEnvelope } from '@wavegraph/events';
import type { Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { ShowService } from '../show/show.service';
import type { FeedCache, RenderedFeed } from './feed.cache';
import type { FeedConfig } from './feed.config';
import type { TouchedFeeds } from './feed.media';
import { loadFeedData } from './feed.store';
import { renderFeed } from './feed.xml';

// off the event loop: a long feed takes tens of milliseconds to compress
const gzip = promisify(gzipCallback);

/** A strong validator of the exact bytes served (the gzipped representation's is derived from it in feed.routes.ts). */
const etagOf = (body: Buffer): string => `"${createHash('sha256').update(body).digest('base64url')}"`;

/** Shows' podcast feeds: rendered from catalog's tables and its projection of media, cached per show until an event changes them. */
export class FeedService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shows: ShowService,
    private readonly cache: FeedCache,
    private readonly config: FeedConfig,
    private readonly touched: TouchedFeeds,
    readonly log: Logger,
  ) {}

  /** Renders in progress on this replica, by slug and cache generation. */
  private readonly rendering = new Map<string, Promise<RenderedFeed | null>>();

  /**
   * The show's feed (from the cache when it holds it), or null for an unknown slug or a show with
   * nothing published. Requests that miss together share one render (apps poll a popular feed all
   * at once right after it changed), but only one started under the same cache generation: a
   * render begun before an invalidation this request has seen could be stale.
   */
  async feed(slug: string): Promise<RenderedFeed | null> {
    const cached = await this.cache.read(slug);
    if ('hit' in cached) return cached.hit;
    const key = `${slug}\n${cached.gen}`;
    let pending = this.rendering.get(key);
    if (!pending) {
      pending = this.renderAndStore(slug, cached.gen).finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    return pending;
  }

  private async renderAndStore(slug: string, gen: string | null): Promise<RenderedFeed | null> {
    const feed = await this.render(slug);
    if (feed && gen !== null) await this.cache.store(slug, gen, feed);
    return feed;
  }

  async render(slug: string): Promise<RenderedFeed | null> {
    const data = await loadFeedData(this.dataSource, slug);
    if (!data) return null;
    const media = `${this.config.mediaUrl}/media/episodes`;
    const body = Buffer.from(renderFeed(data, {
      feedUrl: this.shows.feedUrl(data.show),
      link: `${this.config.publicUrl}/shows/${data.show.slug}`,
      podcastGuid: await this.shows.podcastGuid(data.show),
      enclosureUrl: (episodeId, rendition) => `${media}/${episodeId}/${rendition}.m4a`,
      transcriptUrl: (episodeId) => `${media}/${episodeId}/transcript.vtt`,
      chaptersUrl: (episodeId) => `${media}/${episodeId}/chapters.json`,
    }));
    return { body, gzip: await gzip(body), etag: etagOf(body), lastModified: data.lastModified };
  }

  /** After the consumer committed a batch: drops the feeds of every show it touched. */
  async invalidateAfter(applied: readonly EventEnvelope[]): Promise<void> {
    try {
      await this.cache.invalidate(this.touched.take(applied));
    } catch (err) {
      this.log.warn({ err }, 'feeds could not be invalidated: they refresh when their cache entry expires');
    }
  }
}

import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { EventEnvelope } from '@wavegraph/events';
import type { Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { EpisodeAccess } from '../episode/episode.entity';
import type { PrivateFeedService } from '../private-feed/private-feed.service';
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
    private readonly privateFeeds: PrivateFeedService,
  ) {}

  /**
   * A listener's private feed (PREMIUM episodes included, their files reached with the token):
   * rendered for each request, never cached, so a revoked token stops at once. Null for an
   * unknown or revoked token, or one of another show.
   */
  async privateFeed(slug: string, token: string): Promise<RenderedFeed | null> {
    const grant = await this.privateFeeds.grantOf(token);
    if (!grant) return null;
    const [show] = await this.shows.findByIds([grant.showId]);
    return show?.slug === slug ? this.render(slug, token) : null;
  }

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

  /** The public feed, or with `token` a private one: PREMIUM episodes listed, their files' URLs carrying the token media checks. */
  async render(slug: string, token?: string): Promise<RenderedFeed | null> {
    const data = await loadFeedData(this.dataSource, slug, token !== undefined);
    if (!data) return null;
    const media = `${this.config.mediaUrl}/media/episodes`;
    const premium = new Set(data.items.filter((item) => item.access === EpisodeAccess.PREMIUM).map((item) => item.id));
    const withToken = (episodeId: string, url: string) => (token && premium.has(episodeId) ? `${url}?token=${token}` : url);
    const body = Buffer.from(renderFeed(data, {
      feedUrl: token ? `${this.config.publicUrl}/feeds/${data.show.slug}/${token}.xml` : this.shows.feedUrl(data.show),
      link: `${this.config.publicUrl}/shows/${data.show.slug}`,
      // the show's own guid: a private feed is the same podcast
      podcastGuid: await this.shows.podcastGuid(data.show),
      enclosureUrl: (episodeId, rendition) => withToken(episodeId, `${media}/${episodeId}/${rendition}.m4a`),
      transcriptUrl: (episodeId) => withToken(episodeId, `${media}/${episodeId}/transcript.vtt`),
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

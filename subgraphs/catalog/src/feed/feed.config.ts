import { envInt, envString } from '@wavegraph/kit';
import { v5 as uuidv5 } from 'uuid';

/** Podcasting 2.0 podcast:guid namespace (podcast-namespace docs/tags/guid.md). */
const PODCAST_GUID_NAMESPACE = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6';

export interface FeedConfig {
  /** The origin listeners reach feeds through (the gateway's): CATALOG_PUBLIC_URL, else MEDIA_PUBLIC_URL. */
  publicUrl: string;
  /** The origin of media's stable enclosure, transcript and chapters URLs: MEDIA_PUBLIC_URL. */
  mediaUrl: string;
  /** How long a rendered feed stays in Redis at most (events remove it sooner): FEED_CACHE_TTL_SECONDS, default a day. */
  cacheTtlSeconds: number;
}

const origin = (url: string): string => url.replace(/\/+$/, '');

export function feedConfigFromEnv(): FeedConfig {
  const mediaUrl = origin(envString('MEDIA_PUBLIC_URL', 'http://localhost:4000'));
  return {
    publicUrl: origin(envString('CATALOG_PUBLIC_URL', mediaUrl)),
    mediaUrl,
    cacheTtlSeconds: envInt('FEED_CACHE_TTL_SECONDS', 24 * 3600),
  };
}

export const feedUrl = (config: Pick<FeedConfig, 'publicUrl'>, slug: string): string => `${config.publicUrl}/feeds/${slug}.xml`;

/** podcast:guid: UUIDv5 of the feed URL without its scheme and trailing slashes. */
export function podcastGuidOf(url: string): string {
  return uuidv5(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, ''), PODCAST_GUID_NAMESPACE);
}

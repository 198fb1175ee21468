import { APPLE_CATEGORY_NAMES, APPLE_SUBCATEGORIES } from '@wavegraph/events';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { episodeGuid } from '../episode/episode.entity';
import type { Person } from '../person/person.types';
import type { FeedData, FeedItemRow, FeedRendition } from './feed.store';

const NS = {
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  podcast: 'https://podcastindex.org/namespace/1.0',
  atom: 'http://www.w3.org/2005/Atom',
};

export interface FeedUrls {
  /** This feed's own URL (atom:link rel=self, and what podcast:guid was made from). */
  feedUrl: string;
  /** The show's page. */
  link: string;
  podcastGuid: string;
  enclosureUrl(episodeId: string, rendition: string): string;
  transcriptUrl(episodeId: string): string;
  chaptersUrl(episodeId: string): string;
}

/** RFC 2822 date, as RSS 2.0 wants it (toUTCString gives the RFC 1123 form, which is one). */
const rfc2822 = (date: Date): string => date.toUTCString();
const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** The audio an app should download: the largest audio rendition (the highest bitrate of one source). */
export function bestAudio(renditions: readonly FeedRendition[]): FeedRendition | null {
  const audio = renditions.filter((r) => r.mimeType.startsWith('audio/'));
  return audio.reduce<FeedRendition | null>((best, r) => (best === null || r.sizeBytes > best.sizeBytes ? r : best), null);
}

function people(parent: XMLBuilder, list: readonly Person[]): void {
  for (const person of list) {
    parent.ele(NS.podcast, 'podcast:person', {
      role: person.role,
      group: person.group,
      ...(person.img ? { img: person.img } : {}),
      ...(person.href ? { href: person.href } : {}),
    }).txt(person.name);
  }
}

function item(channel: XMLBuilder, row: FeedItemRow, showExplicit: boolean, urls: FeedUrls): void {
  const audio = bestAudio(row.renditions);
  // an item without a file to download is no podcast episode (media described none: an event from before renditions were announced)
  if (!audio) return;
  const el = channel.ele('item');
  el.ele('title').txt(row.title);
  el.ele('description').txt(row.description);
  el.ele('guid', { isPermaLink: 'false' }).txt(episodeGuid(row));
  el.ele('pubDate').txt(rfc2822(new Date(row.published_at)));
  el.ele('enclosure', { url: urls.enclosureUrl(row.id, audio.name), length: String(audio.sizeBytes), type: audio.mimeType });
  if (row.duration_seconds !== null) el.ele(NS.itunes, 'itunes:duration').txt(String(Math.round(row.duration_seconds)));
  el.ele(NS.itunes, 'itunes:episodeType').txt(row.episode_type.toLowerCase());
  if (row.season_number !== null) el.ele(NS.itunes, 'itunes:season').txt(String(row.season_number));
  if (row.episode_number !== null) el.ele(NS.itunes, 'itunes:episode').txt(String(row.episode_number));
  el.ele(NS.itunes, 'itunes:explicit').txt(String(row.explicit ?? showExplicit));
  if (row.season_number !== null) el.ele(NS.podcast, 'podcast:season').txt(String(row.season_number));
  if (row.episode_number !== null) el.ele(NS.podcast, 'podcast:episode').txt(String(row.episode_number));
  if (row.transcript_language) {
    el.ele(NS.podcast, 'podcast:transcript', { url: urls.transcriptUrl(row.id), type: 'text/vtt', language: row.transcript_language });
  }
  if (row.chapters_count > 0) el.ele(NS.podcast, 'podcast:chapters', { url: urls.chaptersUrl(row.id), type: 'application/json+chapters' });
  people(el, row.people);
}

/** The show's RSS 2.0 feed with Apple's itunes tags and the Podcasting 2.0 namespace. */
export function renderFeed({ show, items, lastModified }: FeedData, urls: FeedUrls): string {
  const rss = create({ version: '1.0', encoding: 'UTF-8' }).ele('rss', {
    version: '2.0',
    'xmlns:itunes': NS.itunes,
    'xmlns:podcast': NS.podcast,
    'xmlns:atom': NS.atom,
  });
  const channel = rss.ele('channel');
  channel.ele('title').txt(show.title);
  channel.ele('link').txt(urls.link);
  channel.ele(NS.atom, 'atom:link', { href: urls.feedUrl, rel: 'self', type: 'application/rss+xml' });
  channel.ele('description').txt(show.description);
  channel.ele('language').txt(show.language);
  channel.ele('lastBuildDate').txt(rfc2822(lastModified));
  if (show.author) channel.ele(NS.itunes, 'itunes:author').txt(show.author);
  if (show.ownerEmail) {
    const owner = channel.ele(NS.itunes, 'itunes:owner');
    owner.ele(NS.itunes, 'itunes:name').txt(show.author ?? show.title);
    owner.ele(NS.itunes, 'itunes:email').txt(show.ownerEmail);
  }
  if (show.artworkUrl) channel.ele(NS.itunes, 'itunes:image', { href: show.artworkUrl });
  // Apple's form: the subcategory nests inside its category (the builder escapes "&" in the names)
  const category = channel.ele(NS.itunes, 'itunes:category', { text: APPLE_CATEGORY_NAMES[show.category] });
  if (show.subcategory) category.ele(NS.itunes, 'itunes:category', { text: APPLE_SUBCATEGORIES[show.subcategory].name });
  channel.ele(NS.itunes, 'itunes:explicit').txt(String(show.explicit));
  channel.ele(NS.itunes, 'itunes:type').txt(show.showType.toLowerCase());
  channel.ele(NS.podcast, 'podcast:guid').txt(urls.podcastGuid);
  channel.ele(NS.podcast, 'podcast:locked', show.ownerEmail ? { owner: show.ownerEmail } : {}).txt(yesNo(show.locked));
  people(channel, show.people);
  for (const row of items) item(channel, row, show.explicit, urls);
  return rss.end({ prettyPrint: true });
}

import { categoryOf } from './category';
import { orderAndDedupe, MAX_AUTHOR, MAX_DESCRIPTION, MAX_TITLE } from './feed.order';
import type { FeedItem, ParsedFeed, SkippedItem } from './feed.types';
import { asArray, attrOf, clip, dateOf, httpsUrl, languageOf, plainText, positiveNumber, textOf, type XmlNode } from './feed.text';

const linkOf = (entry: XmlNode, rel: string): XmlNode | undefined =>
  asArray(entry.link as XmlNode | XmlNode[]).find((link) => (attrOf(link, 'rel') || 'alternate') === rel);

/**
 * Atom feeds (RFC 4287): an entry's audio or video is its `link rel="enclosure"`. YouTube's
 * channel and playlist feeds are Atom with `yt:` and `media:` tags: each video becomes an episode
 * without media, its watch link at the end of the description (media cannot take YouTube's streams).
 */
export function parseAtom(feed: XmlNode): ParsedFeed {
  const youtube = Boolean(feed['yt:channelId'] ?? feed['yt:playlistId']) || asArray(feed.entry as XmlNode[]).some((e) => e['yt:videoId']);
  const skipped: SkippedItem[] = [];
  const items: FeedItem[] = [];
  for (const entry of asArray(feed.entry as XmlNode | XmlNode[])) {
    const group = (entry['media:group'] ?? {}) as XmlNode;
    const guid = textOf(entry.id) || textOf(entry['yt:videoId']);
    const label = guid || textOf(entry.title) || '(untitled entry)';
    const enclosure = linkOf(entry, 'enclosure');
    const link = attrOf(linkOf(entry, 'alternate'), 'href') || null;
    const isVideo = youtube && Boolean(entry['yt:videoId'] || link);
    if (!guid) {
      skipped.push({ item: label, reason: 'no id' });
      continue;
    }
    if (!enclosure && !isVideo) {
      skipped.push({ item: label, reason: 'no enclosure (audio or video file)' });
      continue;
    }
    const text = textOf(group['media:description']) || textOf(entry.summary) || textOf(entry.content);
    const description = isVideo && !enclosure && link ? `${plainText(text, MAX_DESCRIPTION - link.length - 10)}\n\nVideo: ${link}`.trim() : plainText(text, MAX_DESCRIPTION);
    items.push({
      guid,
      title: clip(textOf(entry.title) || textOf(group['media:title']) || 'Untitled episode', MAX_TITLE),
      description,
      pubDate: dateOf(entry.published) ?? dateOf(entry.updated),
      seasonNumber: null,
      episodeNumber: positiveNumber(entry['itunes:episode']),
      enclosure: enclosure
        ? { url: attrOf(enclosure, 'href'), mimeType: attrOf(enclosure, 'type') || 'application/octet-stream', lengthBytes: positiveNumber(attrOf(enclosure, 'length')) }
        : null,
      link,
      explicit: null,
      episodeType: 'FULL',
      people: [],
      transcript: null,
      chaptersUrl: null,
    });
  }
  const logo = textOf(feed.logo) || textOf(feed.icon);
  const categories = asArray(feed.category as XmlNode | XmlNode[]).map((c) => attrOf(c, 'term') || attrOf(c, 'label'));
  return {
    kind: youtube ? 'YOUTUBE' : 'ATOM',
    title: clip(textOf(feed.title) || textOf(asArray(feed.author as XmlNode[])[0]?.name) || 'Untitled show', MAX_TITLE),
    description: plainText(textOf(feed.subtitle) || '', MAX_DESCRIPTION),
    language: languageOf(attrOf(feed, 'xml:lang')),
    ...categoryOf(categories, youtube ? 'TV_AND_FILM' : 'SOCIETY'),
    artworkUrl: httpsUrl(logo),
    explicit: false,
    author: clip(textOf(asArray(feed.author as XmlNode[])[0]?.name), MAX_AUTHOR) || null,
    showType: 'EPISODIC',
    locked: false,
    people: [],
    ...orderAndDedupe(items, skipped),
  };
}

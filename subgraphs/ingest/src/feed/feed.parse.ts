import './partytime-quiet';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseFeed as parsePodcastRss } from 'podcast-partytime';
import { parseAtom } from './atom.parse';
import { categoryOf, itunesCategoryPaths } from './category';
import { chaptersUrlOf, transcriptOf } from './feed.extras';
import { peopleOf } from './feed.people';
import { FeedParseError, type FeedEpisodeType, type FeedItem, type ParsedFeed, type SkippedItem } from './feed.types';
import { orderAndDedupe, MAX_AUTHOR, MAX_DESCRIPTION, MAX_TITLE } from './feed.order';
import { asArray, attrOf, clip, dateOf, httpsUrl, languageOf, plainText, positiveNumber, textOf, type XmlNode } from './feed.text';

/** Strings stay strings (a title "2024" is not a number); entities decoded; attributes kept. */
const rawParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', parseTagValue: false, parseAttributeValue: false, trimValues: true });

/**
 * Reads RSS 2.0 (iTunes and Podcasting 2.0 tags, through podcast-partytime), Atom and YouTube's
 * Atom feeds into a show and its items, oldest first. The same guid twice keeps the first; items
 * without an enclosure are skipped with a reason (YouTube entries have none: they are imported
 * without media, their video link noted in the description).
 */
export function parseFeedXml(xml: string): ParsedFeed {
  const trimmed = xml.replace(/^\uFEFF/, '').trim();
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) throw new FeedParseError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const doc = rawParser.parse(trimmed) as XmlNode;
  const rss = doc.rss as XmlNode | undefined;
  if (rss && typeof rss === 'object' && rss.channel && typeof rss.channel === 'object') return parseRss(trimmed, rss.channel as XmlNode);
  if (doc.feed && typeof doc.feed === 'object') return parseAtom(doc.feed as XmlNode);
  throw new FeedParseError('not an RSS or Atom feed');
}

const EPISODE_TYPES: Record<string, FeedEpisodeType> = { full: 'FULL', trailer: 'TRAILER', bonus: 'BONUS' };

const rawGuid = (item: XmlNode): string => textOf(item.guid) || attrOf(asArray(item.enclosure)[0], 'url');
const labelOf = (item: XmlNode): string => rawGuid(item) || textOf(item.title) || '(untitled item)';

function parseRss(xml: string, channel: XmlNode): ParsedFeed {
  const feed = parsePodcastRss(xml, { allowMissingGuid: true });
  if (!feed) throw new FeedParseError('the RSS feed could not be read');
  const skipped: SkippedItem[] = [];
  // whether an item states itunes:explicit, by the guid partytime gives it
  const rawItems = new Map<string, boolean>();
  for (const raw of asArray(channel.item as XmlNode | XmlNode[])) {
    rawItems.set(rawGuid(raw), raw['itunes:explicit'] !== undefined);
    if (!attrOf(asArray(raw.enclosure)[0], 'url')) skipped.push({ item: labelOf(raw), reason: 'no enclosure (audio or video file)' });
    else if (!textOf(raw.title) && !textOf(raw.description)) skipped.push({ item: labelOf(raw), reason: 'no title or description' });
  }
  const items: FeedItem[] = feed.items.map((item) => ({
    guid: item.guid || item.enclosure.url,
    title: clip(item.title?.trim() || 'Untitled episode', MAX_TITLE),
    description: plainText(item.description || item.content || item.summary || item.subtitle || '', MAX_DESCRIPTION),
    pubDate: dateOf(item.pubDate),
    seasonNumber: positiveNumber(item.podcastSeason?.number ?? item.itunesSeason),
    episodeNumber: positiveNumber(item.podcastEpisode?.number ?? item.itunesEpisode),
    enclosure: { url: item.enclosure.url, mimeType: item.enclosure.type || 'application/octet-stream', lengthBytes: item.enclosure.length > 0 ? item.enclosure.length : null },
    link: item.link ?? null,
    // partytime reads an item's missing itunes:explicit as false, so only its presence says anything
    explicit: rawItems.get(item.guid || item.enclosure.url) ? item.explicit : null,
    episodeType: EPISODE_TYPES[item.itunesEpisodeType ?? 'full'] ?? 'FULL',
    people: peopleOf(item.podcastPeople),
    transcript: transcriptOf(item.podcastTranscripts),
    chaptersUrl: chaptersUrlOf(item.podcastChapters),
  }));
  return {
    kind: 'RSS',
    title: clip(feed.title?.trim() || 'Untitled show', MAX_TITLE),
    description: plainText(feed.description || feed.summary || feed.subtitle || '', MAX_DESCRIPTION),
    language: languageOf(feed.language),
    ...categoryOf([...itunesCategoryPaths(channel), ...(feed.categories ?? [])], 'SOCIETY'),
    artworkUrl: httpsUrl(feed.itunesImage) ?? httpsUrl(feed.image?.url),
    explicit: feed.explicit,
    author: clip(feed.author?.trim() ?? '', MAX_AUTHOR) || null,
    showType: feed.itunesType === 'serial' ? 'SERIAL' : 'EPISODIC',
    locked: feed.locked === true,
    people: peopleOf(feed.podcastPeople),
    ...orderAndDedupe(items, skipped),
  };
}

import type { ShowCategory, ShowSubcategory } from '@wavegraph/events';

export interface FeedEnclosure {
  url: string;
  mimeType: string;
  /** As the feed declares it (often 0 or wrong); the download is what counts. */
  lengthBytes: number | null;
}

/** A podcast:person as catalog takes it (role and group are Podcasting 2.0 taxonomy terms). */
export interface FeedPerson {
  name: string;
  role: string;
  group: string;
  href: string | null;
  img: string | null;
}

export type TranscriptFileType = 'VTT' | 'SRT' | 'JSON';

/** The podcast:transcript ingest hands to media (JSON converted to WebVTT first). */
export interface FeedTranscript {
  url: string;
  type: TranscriptFileType;
  /** As the tag (or the feed) gives it; media checks it is BCP 47. */
  language: string | null;
}

export type FeedEpisodeType = 'FULL' | 'TRAILER' | 'BONUS';
export type FeedShowType = 'EPISODIC' | 'SERIAL';

/** One item of a feed, as catalog will get it. */
export interface FeedItem {
  guid: string;
  title: string;
  description: string;
  pubDate: Date | null;
  seasonNumber: number | null;
  episodeNumber: number | null;
  /** Audio or video to import into media; YouTube entries have none (their link is in the description). */
  enclosure: FeedEnclosure | null;
  link: string | null;
  /** itunes:explicit of the item; null: as the show. */
  explicit: boolean | null;
  episodeType: FeedEpisodeType;
  people: FeedPerson[];
  transcript: FeedTranscript | null;
  /** podcast:chapters (JSON chapters 1.2). */
  chaptersUrl: string | null;
}

export interface SkippedItem {
  /** The item's guid or title, whichever it has. */
  item: string;
  reason: string;
}

export type FeedKind = 'RSS' | 'ATOM' | 'YOUTUBE';

/** A feed reduced to what becomes a show and its episodes. Items are oldest first. */
export interface ParsedFeed {
  kind: FeedKind;
  title: string;
  description: string;
  language: string;
  category: ShowCategory;
  /** One of the category's Apple subcategories, as the feed nests it; null when it names none (or one Apple does not list). */
  subcategory: ShowSubcategory | null;
  artworkUrl: string | null;
  explicit: boolean;
  author: string | null;
  showType: FeedShowType;
  /** podcast:locked yes: its owner asks other platforms not to import it. */
  locked: boolean;
  people: FeedPerson[];
  items: FeedItem[];
  skipped: SkippedItem[];
}

/** The feed as a whole cannot be read (malformed XML, not a feed). */
export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

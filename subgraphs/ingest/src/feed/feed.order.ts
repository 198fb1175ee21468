import type { FeedItem, SkippedItem } from './feed.types';

/** What catalog accepts. */
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;
/** Catalog's limit for a show's author. */
export const MAX_AUTHOR = 200;

/** The first item of a guid wins; items are returned oldest first (undated ones first, in the feed's reverse order). */
export function orderAndDedupe(items: FeedItem[], skipped: SkippedItem[]): { items: FeedItem[]; skipped: SkippedItem[] } {
  const seen = new Set<string>();
  const kept: Array<{ item: FeedItem; index: number }> = [];
  items.forEach((item, index) => {
    if (seen.has(item.guid)) {
      skipped.push({ item: item.guid, reason: 'the same guid appears earlier in the feed' });
      return;
    }
    seen.add(item.guid);
    kept.push({ item, index });
  });
  kept.sort((a, b) => (a.item.pubDate?.getTime() ?? -Infinity) - (b.item.pubDate?.getTime() ?? -Infinity) || b.index - a.index);
  return { items: kept.map((k) => k.item), skipped };
}

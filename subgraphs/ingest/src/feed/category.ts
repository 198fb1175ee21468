import { APPLE_CATEGORY_NAMES, type ShowCategory } from '@wavegraph/events';

const byName = new Map<string, ShowCategory>(
  (Object.entries(APPLE_CATEGORY_NAMES) as [ShowCategory, string][]).map(([category, name]) => [name.toLowerCase(), category]),
);

/** Names Apple used before its 2019 list, and common spellings, mapped to today's categories. */
const ALIASES: Record<string, ShowCategory> = {
  'games & hobbies': 'LEISURE',
  'games': 'LEISURE',
  'hobbies': 'LEISURE',
  'sports & recreation': 'SPORTS',
  'science & medicine': 'SCIENCE',
  'medicine': 'HEALTH',
  'health': 'HEALTH',
  'government & organizations': 'GOVERNMENT',
  'news & politics': 'NEWS',
  'politics': 'NEWS',
  'religion': 'RELIGION_AND_SPIRITUALITY',
  'spirituality': 'RELIGION_AND_SPIRITUALITY',
  'society': 'SOCIETY',
  'culture': 'SOCIETY',
  'kids': 'KIDS_AND_FAMILY',
  'family': 'KIDS_AND_FAMILY',
  'tv & film': 'TV_AND_FILM',
  'film': 'TV_AND_FILM',
  'tech': 'TECHNOLOGY',
  'true crime': 'TRUE_CRIME',
};

/**
 * The first of the feed's categories (itunes:category first, then plain category) that names an
 * Apple category; a subcategory ("Society & Culture > Documentary") counts as its parent. A feed
 * naming none gets `fallback`: Society & Culture for podcasts (Apple's catch-all), TV & Film for
 * YouTube channels.
 */
export function categoryOf(names: readonly string[], fallback: ShowCategory): ShowCategory {
  for (const raw of names) {
    for (const part of raw.split('>')) {
      const name = part.trim().toLowerCase().replace(/&amp;/g, '&').replace(/\s+and\s+/g, ' & ');
      const found = byName.get(name) ?? ALIASES[name];
      if (found) return found;
    }
  }
  return fallback;
}

import { APPLE_CATEGORY_NAMES, APPLE_SUBCATEGORIES, SHOW_SUBCATEGORIES, subcategoryBelongsTo, type ShowCategory, type ShowSubcategory } from '@wavegraph/events';
import { asArray, attrOf, type XmlNode } from './feed.text';

/** How names are compared: case, an escaped ampersand, "and" for "&" and spacing do not matter. */
const normal = (name: string): string => name.trim().toLowerCase().replace(/&amp;/g, '&').replace(/\s+and\s+/g, ' & ').replace(/\s+/g, ' ');

const byName = new Map<string, ShowCategory>(
  (Object.entries(APPLE_CATEGORY_NAMES) as [ShowCategory, string][]).map(([category, name]) => [normal(name), category]),
);
const subcategoryByName = new Map<string, ShowSubcategory>(SHOW_SUBCATEGORIES.map((s) => [normal(APPLE_SUBCATEGORIES[s].name), s]));

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

export interface FeedCategory {
  category: ShowCategory;
  subcategory: ShowSubcategory | null;
}

const categoryNamed = (name: string): ShowCategory | undefined => byName.get(name) ?? ALIASES[name];

/**
 * The first of the feed's categories (itunes:category first, then plain category) that names an
 * Apple category, with the subcategory nested in it ("Society & Culture > Documentary") when that
 * is one of the category's Apple subcategories; any other subcategory is dropped, the category
 * kept. A feed naming none gets `fallback`: Society & Culture for podcasts (Apple's catch-all),
 * TV & Film for YouTube channels.
 */
export function categoryOf(names: readonly string[], fallback: ShowCategory): FeedCategory {
  for (const raw of names) {
    const parts = raw.split('>').map(normal);
    const at = parts.findIndex((part) => categoryNamed(part) !== undefined);
    if (at < 0) continue;
    const category = categoryNamed(parts[at]) as ShowCategory;
    const subcategory = subcategoryByName.get(parts[at + 1] ?? '');
    return { category, subcategory: subcategory && subcategoryBelongsTo(subcategory, category) ? subcategory : null };
  }
  return { category: fallback, subcategory: null };
}

/**
 * A channel's itunes:category elements as "Category > Subcategory" paths (a category without a
 * nested one as its name alone), read from the XML itself: podcast-partytime drops a category
 * whose subcategory it does not know, and the category is worth keeping.
 */
export function itunesCategoryPaths(channel: XmlNode): string[] {
  return asArray(channel['itunes:category'] as XmlNode | XmlNode[]).flatMap((node) => {
    const parent = attrOf(node, 'text');
    if (!parent) return [];
    const children = asArray((node as XmlNode)['itunes:category'] as XmlNode | XmlNode[]).map((child) => attrOf(child, 'text')).filter(Boolean);
    return children.length ? children.map((child) => `${parent} > ${child}`) : [parent];
  });
}

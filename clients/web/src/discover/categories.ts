import { APPLE_CATEGORY_NAMES, APPLE_SUBCATEGORY_NAMES } from '@wavegraph/events/categories';
import type { ShowCategory, ShowSubcategory } from '@wavegraph/client/documents';

/** Every category with its name, in Apple's order. */
export const CATEGORIES = Object.entries(APPLE_CATEGORY_NAMES) as [ShowCategory, string][];

/** A category's subcategories with their names (none for some, e.g. Technology). */
export const subcategoriesOf = (category: ShowCategory): [ShowSubcategory, string][] =>
  Object.entries(APPLE_SUBCATEGORY_NAMES[category] as Record<string, string>) as [ShowSubcategory, string][];

export const categoryName = (category: string | null | undefined): string =>
  (category && (APPLE_CATEGORY_NAMES as Record<string, string>)[category]) || '';

export const isCategory = (value: string | null): value is ShowCategory => !!value && value in APPLE_CATEGORY_NAMES;

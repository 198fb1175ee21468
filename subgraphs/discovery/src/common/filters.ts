import {
  APPLE_SUBCATEGORIES, SHOW_CATEGORIES, SHOW_CATEGORY_ENUM_CONFIG, SHOW_SUBCATEGORIES, SHOW_SUBCATEGORY_ENUM_CONFIG, ShowCategoryEnum, ShowSubcategoryEnum,
  type ShowSubcategory,
} from '@wavegraph/events';
import { badInput } from '@wavegraph/kit';
import { registerEnumType } from 'type-graphql';

/** The categories come with catalog's event contract, so discovery agrees with catalog on them (the GraphQL enum too). */
export const CATEGORIES = SHOW_CATEGORIES;
registerEnumType(ShowCategoryEnum, SHOW_CATEGORY_ENUM_CONFIG);
registerEnumType(ShowSubcategoryEnum, SHOW_SUBCATEGORY_ENUM_CONFIG);

const LANGUAGE = /^[a-z]{2}(-[A-Z]{2})?$/;

/** Category, subcategory and language filters shared by search and browse; all optional. */
export interface DocFilter {
  category: string | null;
  subcategory: string | null;
  language: string | null;
}

export interface FilterInput {
  category?: string | null;
  subcategory?: string | null;
  language?: string | null;
}

export function validFilter({ category, subcategory, language }: FilterInput): DocFilter {
  if (category != null && !(CATEGORIES as readonly string[]).includes(category)) {
    throw badInput(`category must be one of ${CATEGORIES.join(', ')}`, 'category');
  }
  if (subcategory != null) {
    const known = SHOW_SUBCATEGORIES.find((s) => s === subcategory);
    if (!known) throw badInput(`subcategory must be one of ${SHOW_SUBCATEGORIES.join(', ')}`, 'subcategory');
    // a subcategory of another category could match nothing: a mistake worth saying
    if (category != null && APPLE_SUBCATEGORIES[known as ShowSubcategory].category !== category) {
      throw badInput(`subcategory ${known} belongs to ${APPLE_SUBCATEGORIES[known].category}, not ${category}`, 'subcategory');
    }
  }
  if (language != null && !LANGUAGE.test(language)) throw badInput('language must be a code like "en" or "pt-BR"', 'language');
  return { category: category ?? null, subcategory: subcategory ?? null, language: language ?? null };
}

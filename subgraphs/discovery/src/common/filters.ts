import { SHOW_CATEGORIES, SHOW_CATEGORY_ENUM_CONFIG, ShowCategoryEnum } from '@wavegraph/events';
import { badInput } from '@wavegraph/kit';
import { registerEnumType } from 'type-graphql';

/** The categories come with catalog's event contract, so discovery agrees with catalog on them (the GraphQL enum too). */
export const CATEGORIES = SHOW_CATEGORIES;
registerEnumType(ShowCategoryEnum, SHOW_CATEGORY_ENUM_CONFIG);

const LANGUAGE = /^[a-z]{2}(-[A-Z]{2})?$/;

/** Category and language filters shared by search and browse; both optional. */
export interface DocFilter {
  category: string | null;
  language: string | null;
}

export function validFilter(category: string | null | undefined, language: string | null | undefined): DocFilter {
  if (category != null && !(CATEGORIES as readonly string[]).includes(category)) {
    throw badInput(`category must be one of ${CATEGORIES.join(', ')}`, 'category');
  }
  if (language != null && !LANGUAGE.test(language)) throw badInput('language must be a code like "en" or "pt-BR"', 'language');
  return { category: category ?? null, language: language ?? null };
}

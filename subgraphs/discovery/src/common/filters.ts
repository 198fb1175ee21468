import { badInput } from '@wavegraph/kit';

/*
 * Mirrors catalog's SHOW_CATEGORIES: subgraphs share no code, and the event contract does not
 * (yet) carry the list. Keep in step with catalog until the list moves into @wavegraph/events.
 */
export const CATEGORIES = [
  'ARTS', 'BUSINESS', 'COMEDY', 'EDUCATION', 'FICTION', 'HEALTH', 'HISTORY', 'MUSIC',
  'NEWS', 'SCIENCE', 'SOCIETY', 'SPORTS', 'TECHNOLOGY', 'TRUE_CRIME',
] as const;

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

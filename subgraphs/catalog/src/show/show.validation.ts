import { APPLE_SUBCATEGORIES, SHOW_CATEGORIES, SHOW_SUBCATEGORIES, subcategoryBelongsTo, type ShowCategory, type ShowSubcategory } from '@wavegraph/events';
import { badInput, optionalLength, requireLength } from '@wavegraph/kit';
import type { Person } from '../person/person.types';
import { ShowType } from './show.entity';
import { validPeople, type PersonFields } from '../person/person.validation';

export { SHOW_CATEGORIES, type ShowCategory };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LANGUAGE = /^[a-z]{2}(-[A-Z]{2})?$/;
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;
const MAX_URL = 2048;

export function validSlug(slug: string): string {
  if (slug.length < 3 || slug.length > 80) throw badInput('slug must be 3 to 80 characters', 'slug');
  if (!SLUG.test(slug)) throw badInput('slug may contain only lowercase letters, digits and single hyphens between them', 'slug');
  return slug;
}

export function validCategory(category: string, field = 'category'): ShowCategory {
  const found = SHOW_CATEGORIES.find((known) => known === category);
  if (!found) throw badInput(`category must be one of ${SHOW_CATEGORIES.join(', ')}`, field);
  return found;
}

export function validSubcategory(subcategory: string, field = 'subcategory'): ShowSubcategory {
  const found = SHOW_SUBCATEGORIES.find((known) => known === subcategory);
  if (!found) throw badInput(`subcategory must be one of ${SHOW_SUBCATEGORIES.join(', ')}`, field);
  return found;
}

/** A subcategory is always one of its show's category's (null: none). */
export function checkSubcategory(category: ShowCategory, subcategory: ShowSubcategory | null): void {
  if (subcategory === null || subcategoryBelongsTo(subcategory, category)) return;
  const own = SHOW_SUBCATEGORIES.filter((s) => APPLE_SUBCATEGORIES[s].category === category);
  const choices = own.length ? `one of ${own.join(', ')} or null` : 'null (it has none)';
  throw badInput(`subcategory ${subcategory} belongs to ${APPLE_SUBCATEGORIES[subcategory].category}, not ${category}: for ${category} it must be ${choices}`, 'subcategory');
}

export function validLanguage(language: string, field = 'language'): string {
  if (!LANGUAGE.test(language)) throw badInput('language must be a code like "en" or "pt-BR"', field);
  return language;
}

export function validArtworkUrl(value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput('artworkUrl must be a valid URL', 'artworkUrl');
  }
  if (url.protocol !== 'https:') throw badInput('artworkUrl must use https', 'artworkUrl');
  if (value.length > MAX_URL) throw badInput(`artworkUrl must be at most ${MAX_URL} characters`, 'artworkUrl');
  return value;
}

const SHOW_TYPES = Object.values(ShowType);
const MAX_AUTHOR = 200;

export interface ShowFields {
  slug: string;
  title: string;
  description: string;
  category: ShowCategory;
  subcategory: ShowSubcategory | null;
  language: string;
  artworkUrl: string | null;
  explicit: boolean;
  author: string | null;
  ownerEmail: string | null;
  showType: ShowType;
  locked: boolean;
  people: Person[];
}

/** The feed fields a create or an update may carry. */
export interface ShowFeedInput {
  explicit?: boolean | null;
  author?: string | null;
  ownerEmail?: string | null;
  showType?: string | null;
  locked?: boolean | null;
  people?: readonly PersonFields[] | null;
}

function validShowType(value: string): ShowType {
  const found = SHOW_TYPES.find((known) => known === value);
  if (!found) throw badInput(`showType must be one of ${SHOW_TYPES.join(', ')}`, 'showType');
  return found;
}

/** A plain address (what directories mail a verification code to); nothing that could break out of a feed's text. */
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>"]+$/;

function validOwnerEmail(value: string | null | undefined): string | null {
  const email = optionalLength('ownerEmail', value, 254) || null;
  if (email !== null && !EMAIL.test(email)) throw badInput('ownerEmail must be an email address', 'ownerEmail');
  return email;
}

const validAuthor = (value: string | null | undefined): string | null => optionalLength('author', value, MAX_AUTHOR) || null;

export interface NewShowInput extends ShowFeedInput {
  slug: string;
  title: string;
  description?: string | null;
  category: string;
  subcategory?: string | null;
  language: string;
  artworkUrl?: string | null;
}

export interface ShowChangesInput extends ShowFeedInput {
  title?: string | null;
  description?: string | null;
  category?: string | null;
  subcategory?: string | null;
  language?: string | null;
  artworkUrl?: string | null;
}

export function validNewShow(input: NewShowInput): ShowFields {
  const category = validCategory(input.category);
  const subcategory = input.subcategory == null ? null : validSubcategory(input.subcategory);
  checkSubcategory(category, subcategory);
  return {
    slug: validSlug(input.slug),
    title: requireLength('title', input.title, 1, MAX_TITLE),
    description: optionalLength('description', input.description, MAX_DESCRIPTION) ?? '',
    category,
    subcategory,
    language: validLanguage(input.language),
    artworkUrl: validArtworkUrl(input.artworkUrl ?? null),
    explicit: input.explicit ?? false,
    author: validAuthor(input.author),
    ownerEmail: validOwnerEmail(input.ownerEmail),
    showType: input.showType == null ? ShowType.EPISODIC : validShowType(input.showType),
    locked: input.locked ?? false,
    people: validPeople(input.people),
  };
}

/**
 * Omitted (or null) required fields stay as they are; null clears description, subcategory, artworkUrl
 * and author, and empties people. Whether the subcategory fits the category is checked against the
 * stored show (`checkSubcategory`), as either may be left as it is.
 */
export function validShowChanges(input: ShowChangesInput): Partial<ShowFields> {
  const changes: Partial<ShowFields> = {};
  if (input.title != null) changes.title = requireLength('title', input.title, 1, MAX_TITLE);
  if (input.description !== undefined) changes.description = optionalLength('description', input.description, MAX_DESCRIPTION) ?? '';
  if (input.category != null) changes.category = validCategory(input.category);
  if (input.subcategory !== undefined) changes.subcategory = input.subcategory === null ? null : validSubcategory(input.subcategory);
  if (input.language != null) changes.language = validLanguage(input.language);
  if (input.artworkUrl !== undefined) changes.artworkUrl = validArtworkUrl(input.artworkUrl);
  if (input.explicit != null) changes.explicit = input.explicit;
  if (input.author !== undefined) changes.author = validAuthor(input.author);
  if (input.ownerEmail !== undefined) changes.ownerEmail = validOwnerEmail(input.ownerEmail);
  if (input.showType != null) changes.showType = validShowType(input.showType);
  if (input.locked != null) changes.locked = input.locked;
  if (input.people !== undefined) changes.people = validPeople(input.people);
  return changes;
}

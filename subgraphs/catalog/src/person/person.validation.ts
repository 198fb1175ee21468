import { MAX_PEOPLE, MAX_PERSON_NAME, PERSON_TERM } from '@wavegraph/events';
import { badInput, requireLength } from '@wavegraph/kit';
import type { Person } from './person.types';

const MAX_URL = 2048;

export interface PersonFields {
  name: string;
  role?: string | null;
  group?: string | null;
  href?: string | null;
  img?: string | null;
}

function validUrl(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(`${field} must be a valid URL`, field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput(`${field} must use http or https`, field);
  if (value.length > MAX_URL) throw badInput(`${field} must be at most ${MAX_URL} characters`, field);
  return value;
}

function validTerm(field: string, value: string | null | undefined, fallback: string): string {
  if (value === null || value === undefined) return fallback;
  const term = value.trim().toLowerCase();
  if (!PERSON_TERM.test(term)) throw badInput(`${field} must be a Podcasting 2.0 taxonomy term such as "host" or "cast"`, field);
  return term;
}

/** The whole list, each field checked where it is (`people[2].href`). */
export function validPeople(people: readonly PersonFields[] | null | undefined, field = 'people'): Person[] {
  if (!people) return [];
  if (people.length > MAX_PEOPLE) throw badInput(`${field} may list at most ${MAX_PEOPLE} people`, field);
  return people.map((person, i) => {
    const at = `${field}[${i}]`;
    return {
      name: requireLength(`${at}.name`, person.name, 1, MAX_PERSON_NAME),
      role: validTerm(`${at}.role`, person.role, 'host'),
      group: validTerm(`${at}.group`, person.group, 'cast'),
      href: validUrl(`${at}.href`, person.href),
      img: validUrl(`${at}.img`, person.img),
    };
  });
}

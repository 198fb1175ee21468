import { MAX_PEOPLE, MAX_PERSON_NAME, PERSON_TERM } from '@wavegraph/events';
import { clip } from './feed.text';
import type { FeedPerson } from './feed.types';

interface RawPerson {
  name?: string;
  role?: string;
  group?: string;
  href?: string;
  img?: string;
}

const termOf = (raw: string | undefined, fallback: string): string => {
  const term = (raw ?? '').trim().toLowerCase();
  return PERSON_TERM.test(term) ? term : fallback;
};

const linkOf = (raw: string | undefined): string | null => {
  if (!raw || raw.length > 2048) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? raw : null;
  } catch {
    return null;
  }
};

/**
 * A feed's podcast:person list as catalog accepts it. A feed is not ours to fix, so what catalog
 * would refuse is dropped (a nameless person, a link that is no URL, an unknown term) rather than
 * failing the whole show.
 */
export function peopleOf(raw: readonly RawPerson[] | undefined): FeedPerson[] {
  return (raw ?? [])
    .filter((person) => person.name?.trim())
    .slice(0, MAX_PEOPLE)
    .map((person) => ({
      name: clip((person.name as string).trim(), MAX_PERSON_NAME),
      role: termOf(person.role, 'host'),
      group: termOf(person.group, 'cast'),
      href: linkOf(person.href),
      img: linkOf(person.img),
    }));
}

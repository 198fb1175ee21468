import { badInput, optionalLength, requireLength } from '@wavegraph/kit';
import type { Person } from '../person/person.types';
import { validPeople, type PersonFields } from '../person/person.validation';
import { MAX_DESCRIPTION, MAX_TITLE } from '../show/show.validation';
import { EpisodeAccess, EpisodeType } from './episode.entity';

const EPISODE_TYPES = Object.values(EpisodeType);
const MAX_GUID = 500;

interface EpisodeFeedInput {
  access?: string | null;
  episodeType?: string | null;
  explicit?: boolean | null;
  people?: readonly PersonFields[] | null;
}

export const MAX_NUMBER = 100_000;

export interface NewEpisodeInput extends EpisodeFeedInput {
  showId: string;
  guid?: string | null;
  title: string;
  description?: string | null;
  seasonNumber?: number | null;
  episodeNumber?: number | null;
}

export interface EpisodeChangesInput extends EpisodeFeedInput {
  title?: string | null;
  description?: string | null;
  seasonNumber?: number | null;
  episodeNumber?: number | null;
}

export interface EpisodeFields {
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: EpisodeType;
  explicit: boolean | null;
  people: Person[];
  access: EpisodeAccess;
}

export interface NewEpisodeFields extends EpisodeFields {
  guid: string | null;
}

const ACCESS = Object.values(EpisodeAccess);

function validAccess(value: string): EpisodeAccess {
  const found = ACCESS.find((known) => known === value);
  if (!found) throw badInput(`access must be one of ${ACCESS.join(', ')}`, 'access');
  return found;
}

function validEpisodeType(value: string): EpisodeType {
  const found = EPISODE_TYPES.find((known) => known === value);
  if (!found) throw badInput(`episodeType must be one of ${EPISODE_TYPES.join(', ')}`, 'episodeType');
  return found;
}

/** Any text a feed gave it (often a URL or a uuid), without surrounding blanks or control characters. */
function validGuid(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const guid = requireLength('guid', value, 1, MAX_GUID);
  if (/[\u0000-\u001f\u007f]/.test(guid)) throw badInput('guid must not contain control characters', 'guid');
  return guid;
}

function validNumber(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_NUMBER) {
    throw badInput(`${field} must be a whole number from 1 to ${MAX_NUMBER}`, field);
  }
  return value;
}

export function validNewEpisode(input: NewEpisodeInput): NewEpisodeFields {
  return {
    guid: validGuid(input.guid),
    episodeType: input.episodeType == null ? EpisodeType.FULL : validEpisodeType(input.episodeType),
    explicit: input.explicit ?? null,
    people: validPeople(input.people),
    access: input.access == null ? EpisodeAccess.PUBLIC : validAccess(input.access),
    title: requireLength('title', input.title, 1, MAX_TITLE),
    description: optionalLength('description', input.description, MAX_DESCRIPTION) ?? '',
    seasonNumber: validNumber('seasonNumber', input.seasonNumber),
    episodeNumber: validNumber('episodeNumber', input.episodeNumber),
  };
}

/** Omitted fields stay; null keeps the title and type, empties the description and people, clears the numbers and explicit (as the show). */
export function validEpisodeChanges(input: EpisodeChangesInput): Partial<EpisodeFields> {
  const changes: Partial<EpisodeFields> = {};
  if (input.title != null) changes.title = requireLength('title', input.title, 1, MAX_TITLE);
  if (input.description !== undefined) changes.description = optionalLength('description', input.description, MAX_DESCRIPTION) ?? '';
  if (input.seasonNumber !== undefined) changes.seasonNumber = validNumber('seasonNumber', input.seasonNumber);
  if (input.episodeNumber !== undefined) changes.episodeNumber = validNumber('episodeNumber', input.episodeNumber);
  if (input.episodeType != null) changes.episodeType = validEpisodeType(input.episodeType);
  if (input.explicit !== undefined) changes.explicit = input.explicit;
  if (input.people !== undefined) changes.people = validPeople(input.people);
  if (input.access != null) changes.access = validAccess(input.access);
  return changes;
}

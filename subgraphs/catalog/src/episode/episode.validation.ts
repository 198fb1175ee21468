import { badInput, optionalLength, requireLength } from '@wavegraph/kit';
import { MAX_DESCRIPTION, MAX_TITLE } from '../show/show.validation';

export const MAX_NUMBER = 100_000;

export interface NewEpisodeInput {
  showId: string;
  title: string;
  description?: string | null;
  seasonNumber?: number | null;
  episodeNumber?: number | null;
}

export interface EpisodeChangesInput {
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
}

function validNumber(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_NUMBER) {
    throw badInput(`${field} must be a whole number from 1 to ${MAX_NUMBER}`, field);
  }
  return value;
}

export function validNewEpisode(input: NewEpisodeInput): EpisodeFields {
  return {
    title: requireLength('title', input.title, 1, MAX_TITLE),
    description: optionalLength('description', input.description, MAX_DESCRIPTION) ?? '',
    seasonNumber: validNumber('seasonNumber', input.seasonNumber),
    episodeNumber: validNumber('episodeNumber', input.episodeNumber),
  };
}

/** Omitted fields stay; null keeps the title, empties the description and clears the numbers. */
export function validEpisodeChanges(input: EpisodeChangesInput): Partial<EpisodeFields> {
  const changes: Partial<EpisodeFields> = {};
  if (input.title != null) changes.title = requireLength('title', input.title, 1, MAX_TITLE);
  if (input.description !== undefined) changes.description = optionalLength('description', input.description, MAX_DESCRIPTION) ?? '';
  if (input.seasonNumber !== undefined) changes.seasonNumber = validNumber('seasonNumber', input.seasonNumber);
  if (input.episodeNumber !== undefined) changes.episodeNumber = validNumber('episodeNumber', input.episodeNumber);
  return changes;
}

import { z } from 'zod';
import { defineEvent, id, timestamp } from '../contract';

/** The categories a show may be in; part of the contract, so every context agrees on them. */
export const SHOW_CATEGORIES = [
  'ARTS', 'BUSINESS', 'COMEDY', 'EDUCATION', 'FICTION', 'HEALTH', 'HISTORY', 'MUSIC',
  'NEWS', 'SCIENCE', 'SOCIETY', 'SPORTS', 'TECHNOLOGY', 'TRUE_CRIME',
] as const;
export type ShowCategory = (typeof SHOW_CATEGORIES)[number];

/** Show events carry the whole show as it is after the change, so consumers can upsert. */
export const ShowSnapshot = z.object({
  showId: id(),
  ownerId: id(),
  slug: z.string().min(1),
  title: z.string().min(1),
  description: z.string(),
  category: z.enum(SHOW_CATEGORIES),
  language: z.string().min(2),
  artworkUrl: z.string().nullable(),
});

export const EPISODE_STATUSES = ['DRAFT', 'SCHEDULED', 'PUBLISHED', 'ARCHIVED'] as const;

/** Episode events carry the whole episode as it is after the change, so consumers can upsert. */
export const EpisodeSnapshot = z.object({
  episodeId: id(),
  showId: id(),
  ownerId: id(),
  title: z.string().min(1),
  description: z.string(),
  seasonNumber: z.number().int().nullable(),
  episodeNumber: z.number().int().nullable(),
  status: z.enum(EPISODE_STATUSES),
  publishedAt: timestamp().nullable(),
});

export const ShowCreated = defineEvent('catalog', 'ShowCreated', 1, ShowSnapshot);
export const ShowUpdated = defineEvent('catalog', 'ShowUpdated', 1, ShowSnapshot);
export const EpisodeCreated = defineEvent('catalog', 'EpisodeCreated', 1, EpisodeSnapshot);
export const EpisodeUpdated = defineEvent('catalog', 'EpisodeUpdated', 1, EpisodeSnapshot);
export const EpisodePublished = defineEvent('catalog', 'EpisodePublished', 1, EpisodeSnapshot);
/** Back to DRAFT or SCHEDULED from PUBLISHED (the snapshot's status says which). */
export const EpisodeUnpublished = defineEvent('catalog', 'EpisodeUnpublished', 1, EpisodeSnapshot);
export const EpisodeArchived = defineEvent('catalog', 'EpisodeArchived', 1, EpisodeSnapshot);

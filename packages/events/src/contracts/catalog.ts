import { z } from 'zod';
import { defineEvent, id, timestamp } from '../contract';
import { SHOW_CATEGORIES, SHOW_SUBCATEGORIES } from './categories';

export * from './categories';

/**
 * Catalog's rules for podcast:person, shared with whoever writes people into catalog (ingest keeps
 * what catalog would take): at most MAX_PEOPLE a show or episode, names of at most
 * MAX_PERSON_NAME characters, role and group as Podcasting 2.0 taxonomy terms (lowercase words,
 * "host", "audio post-production").
 */
export const MAX_PEOPLE = 50;
export const MAX_PERSON_NAME = 128;
export const PERSON_TERM = /^[a-z][a-z0-9 &'/-]{0,63}$/;

/** Podcasting 2.0 podcast:person, as shows and episodes list them. */
export const PersonSnapshot = z.object({
  name: z.string().min(1),
  role: z.string().min(1),
  group: z.string().min(1),
  href: z.string().nullable(),
  img: z.string().nullable(),
});

/** Show events carry the whole show as it is after the change, so consumers can upsert. */
export const ShowSnapshot = z.object({
  showId: id(),
  ownerId: id(),
  slug: z.string().min(1),
  title: z.string().min(1),
  description: z.string(),
  category: z.enum(SHOW_CATEGORIES),
  /** Apple's subcategory, within `category` (optional: events recorded before subcategories lack it). */
  subcategory: z.enum(SHOW_SUBCATEGORIES).nullable().optional(),
  language: z.string().min(2),
  artworkUrl: z.string().nullable(),
  /** Feed fields (optional: events recorded before feeds lack them). */
  explicit: z.boolean().optional(),
  author: z.string().nullable().optional(),
  ownerEmail: z.string().nullable().optional(),
  showType: z.enum(['EPISODIC', 'SERIAL']).optional(),
  locked: z.boolean().optional(),
  people: z.array(PersonSnapshot).optional(),
  podcastGuid: z.uuid().nullable().optional(),
});

export const EPISODE_STATUSES = ['DRAFT', 'SCHEDULED', 'PUBLISHED', 'ARCHIVED'] as const;
/** Who may play an episode: everyone, or PREMIUM listeners (and its owner and staff). */
export const EPISODE_ACCESS = ['PUBLIC', 'PREMIUM'] as const;

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
  /** Feed fields (optional: events recorded before feeds lack them). `explicit` null: as the show. */
  episodeType: z.enum(['FULL', 'TRAILER', 'BONUS']).optional(),
  explicit: z.boolean().nullable().optional(),
  guid: z.string().min(1).optional(),
  people: z.array(PersonSnapshot).optional(),
  /** Optional: events recorded before premium episodes lack it (PUBLIC). */
  access: z.enum(EPISODE_ACCESS).optional(),
});

export const ShowCreated = defineEvent('catalog', 'ShowCreated', 1, ShowSnapshot);
export const ShowUpdated = defineEvent('catalog', 'ShowUpdated', 1, ShowSnapshot);
export const EpisodeCreated = defineEvent('catalog', 'EpisodeCreated', 1, EpisodeSnapshot);
export const EpisodeUpdated = defineEvent('catalog', 'EpisodeUpdated', 1, EpisodeSnapshot);
export const EpisodePublished = defineEvent('catalog', 'EpisodePublished', 1, EpisodeSnapshot);
/** Back to DRAFT or SCHEDULED from PUBLISHED (the snapshot's status says which). */
export const EpisodeUnpublished = defineEvent('catalog', 'EpisodeUnpublished', 1, EpisodeSnapshot);
export const EpisodeArchived = defineEvent('catalog', 'EpisodeArchived', 1, EpisodeSnapshot);

/**
 * A listener's private feed of a show (premium episodes included): the token's SHA-256 (hex), so
 * media can let its enclosures through without catalog being asked; the token itself never
 * leaves catalog's answer to the listener.
 */
export const PrivateFeedIssued = defineEvent('catalog', 'PrivateFeedIssued', 1, z.object({ feedId: id(), showId: id(), listenerId: id(), tokenHash: z.string().regex(/^[0-9a-f]{64}$/) }));
/** The feed's token works no more: the listener revoked or replaced it, or is no longer PREMIUM. */
export const PrivateFeedRevoked = defineEvent('catalog', 'PrivateFeedRevoked', 1, z.object({ feedId: id(), showId: id(), listenerId: id() }));

import { z } from 'zod';
import { defineEvent, id, timestamp } from '../contract';

/** Aggregate: the episode. */
export const EpisodeLiked = defineEvent('engagement', 'EpisodeLiked', 1, z.object({ episodeId: id(), userId: id(), likedAt: timestamp() }));
export const EpisodeUnliked = defineEvent('engagement', 'EpisodeUnliked', 1, z.object({ episodeId: id(), userId: id() }));

/**
 * Aggregate: the episode, so a thread's events stay in order. `episodeOwnerId` (optional, added
 * later in v1): the owner of the episode's show when the comment was posted, so a consumer can
 * tell them without knowing the episode itself.
 */
export const CommentPosted = defineEvent(
  'engagement',
  'CommentPosted',
  1,
  z.object({
    commentId: id(), episodeId: id(), authorId: id(), parentId: id().nullable(), parentAuthorId: id().nullable(), body: z.string(),
    episodeOwnerId: id().optional(),
  }),
);
export const CommentEdited = defineEvent('engagement', 'CommentEdited', 1, z.object({ commentId: id(), episodeId: id(), authorId: id(), body: z.string() }));
export const CommentDeleted = defineEvent(
  'engagement',
  'CommentDeleted',
  1,
  z.object({ commentId: id(), episodeId: id(), deletedBy: id(), moderated: z.boolean() }),
);

/**
 * Aggregate: the episode. `counted` is true for the play that counts towards the episode's
 * play count (the first report of a listening session), false for progress updates.
 * `clientApp` (optional, added later in v1): the player that reported it, as the client named
 * itself; the envelope's `occurredAt` is when the listener was at `positionSeconds`.
 */
export const PlayRecorded = defineEvent(
  'engagement',
  'PlayRecorded',
  1,
  z.object({
    episodeId: id(),
    userId: id(),
    positionSeconds: z.number().int().min(0),
    completed: z.boolean(),
    counted: z.boolean(),
    clientApp: z.string().min(1).max(64).optional(),
  }),
);

/** Aggregate: the show. */
export const ShowFollowed = defineEvent('engagement', 'ShowFollowed', 1, z.object({ showId: id(), userId: id() }));
export const ShowUnfollowed = defineEvent('engagement', 'ShowUnfollowed', 1, z.object({ showId: id(), userId: id() }));

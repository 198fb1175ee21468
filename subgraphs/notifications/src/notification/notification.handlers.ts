import { CommentPosted, EpisodePublished, MediaFailed, MediaReady, on, UserRegistered, type EventEnvelope } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import { NotificationKind } from './notification.kind';

interface NewNotification {
  userId: string;
  kind: NotificationKind;
  /** Unique per user: the same thing never notifies twice, whatever is redelivered or published again. */
  key: string;
  message: string;
  episodeId?: string | null;
  showId?: string | null;
  commentId?: string | null;
  actorId?: string | null;
  assetId?: string | null;
}

const COLUMNS = 'user_id, kind, dedupe_key, source_event_id, message, episode_id, show_id, comment_id, actor_id, asset_id, created_at';

async function notify(tx: EntityManager, event: EventEnvelope, n: NewNotification): Promise<void> {
  await tx.query(`INSERT INTO notifications (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (user_id, dedupe_key) DO NOTHING`, [
    n.userId, n.kind, n.key, event.id, n.message, n.episodeId ?? null, n.showId ?? null, n.commentId ?? null, n.actorId ?? null, n.assetId ?? null, event.occurredAt,
  ]);
}

/**
 * Every follower of the show, in one statement however many there are; once per (user, episode),
 * so publishing again after an unpublish tells nobody twice. The owner is left out even when they
 * follow their own show: they published it themselves, and their inbox is for what others did.
 */
const newEpisode = on(EpisodePublished, async (event, tx) => {
  const { episodeId, showId, ownerId, title } = event.payload;
  await tx.query(
    `INSERT INTO notifications (${COLUMNS})
     SELECT user_id, $1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7 FROM show_followers
     WHERE show_id = $6 AND following AND user_id <> $8
     ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
    [NotificationKind.NEW_EPISODE, `NEW_EPISODE:${episodeId}`, event.id, `New episode: ${title}`, episodeId, showId, event.occurredAt, ownerId],
  );
});

/** The author of the comment replied to, unless they replied to themselves. */
const reply = on(CommentPosted, async (event, tx) => {
  const { commentId, episodeId, authorId, parentAuthorId } = event.payload;
  if (!parentAuthorId || parentAuthorId === authorId) return;
  await notify(tx, event, {
    userId: parentAuthorId, kind: NotificationKind.COMMENT_REPLY, key: `COMMENT_REPLY:${commentId}`,
    message: 'New reply to your comment', episodeId, commentId, actorId: authorId,
  });
});

// one per event: a retried asset may fail again, or fail and then become ready
const mediaReady = on(MediaReady, async (event, tx) => {
  const { assetId, episodeId, ownerId } = event.payload;
  await notify(tx, event, { userId: ownerId, kind: NotificationKind.MEDIA_READY, key: `MEDIA_READY:${event.id}`, message: 'Your media is ready to play', episodeId, assetId });
});

const mediaFailed = on(MediaFailed, async (event, tx) => {
  const { assetId, episodeId, ownerId, step, reason } = event.payload;
  await notify(tx, event, {
    userId: ownerId, kind: NotificationKind.MEDIA_FAILED, key: `MEDIA_FAILED:${event.id}`,
    message: `Processing your media failed at ${step}: ${reason}`, episodeId, assetId,
  });
});

const welcome = on(UserRegistered, async (event, tx) => {
  const { userId, displayName } = event.payload;
  await notify(tx, event, { userId, kind: NotificationKind.WELCOME, key: 'WELCOME', message: `Welcome to Wavegraph, ${displayName}!` });
});

export const notificationHandlers = [newEpisode, reply, mediaReady, mediaFailed, welcome];

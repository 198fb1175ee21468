import { CommentPosted, MediaFailed, MediaReady, on, PaymentRefunded, UserPlanChanged, UserRegistered, type EventEnvelope } from '@wavegraph/events';
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

/** The author of the comment replied to, unless they replied to themselves. */
const reply = on(CommentPosted, async (event, tx) => {
  const { commentId, episodeId, authorId, parentAuthorId } = event.payload;
  if (!parentAuthorId || parentAuthorId === authorId) return;
  await notify(tx, event, {
    userId: parentAuthorId, kind: NotificationKind.COMMENT_REPLY, key: `COMMENT_REPLY:${commentId}`,
    message: 'New reply to your comment', episodeId, commentId, actorId: authorId,
  });
});

/**
 * The owner of the episode, when someone else comments on it; a reply to the owner's own
 * comment is their COMMENT_REPLY already. Events from before `episodeOwnerId` existed ask our
 * known_episodes; an episode we have not heard of yet is not guessed at.
 */
const commentOnEpisode = on(CommentPosted, async (event, tx) => {
  const { commentId, episodeId, authorId, parentAuthorId, episodeOwnerId } = event.payload;
  const ownerId = episodeOwnerId ?? ((await tx.query('SELECT owner_id FROM known_episodes WHERE episode_id = $1', [episodeId])) as { owner_id: string }[])[0]?.owner_id;
  if (!ownerId || ownerId === authorId || ownerId === parentAuthorId) return;
  await notify(tx, event, {
    userId: ownerId, kind: NotificationKind.NEW_COMMENT, key: `NEW_COMMENT:${commentId}`,
    message: 'New comment on your episode', episodeId, commentId, actorId: authorId,
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

// the Premium saga's last step: identity changed the plan (after a payment, or an admin did)
const planChanged = on(UserPlanChanged, async (event, tx) => {
  const { userId, plan, previousPlan } = event.payload;
  if (plan === previousPlan) return;
  const premium = plan === 'PREMIUM';
  await notify(tx, event, {
    userId, kind: premium ? NotificationKind.PREMIUM_STARTED : NotificationKind.PREMIUM_ENDED, key: `PLAN:${event.id}`,
    message: premium ? 'Welcome to Premium: your plan is now PREMIUM' : 'Your Premium has ended: your plan is now FREE',
  });
});

const refunded = on(PaymentRefunded, async (event, tx) => {
  const { userId, amount, currency } = event.payload;
  await notify(tx, event, {
    userId, kind: NotificationKind.PAYMENT_REFUNDED, key: `REFUND:${event.id}`,
    message: `A payment of ${(amount / 100).toFixed(2)} ${currency.toUpperCase()} was refunded to you`,
  });
});

// NEW_EPISODE combines two contexts' events: see new-episode/
export const notificationHandlers = [reply, commentOnEpisode, mediaReady, mediaFailed, welcome, planChanged, refunded];

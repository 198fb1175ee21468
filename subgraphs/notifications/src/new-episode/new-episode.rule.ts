import type { EntityManager } from 'typeorm';
import { NotificationKind } from '../notification/notification.kind';

/*
 * NEW_EPISODE: a user is told about an episode when they followed its show at the moment the
 * episode was published (at any of its publications, once per user and episode; never its
 * owner). Follows come from engagement, publications from catalog, in no order between them,
 * so both are kept as facts with the time they happened, and whichever side is applied second
 * completes the effect (packages/events/ORDERING.md):
 *
 * - the follow state of a user at time T is their newest follow fact (by engagement's position)
 *   among those that happened at or before T; a fact at the same instant counts as before;
 * - a publication notifies every user following at its time (`notifyFollowers`);
 * - a follow or unfollow re-evaluates that user against every publication of the show
 *   (`settleFollower`): it adds what the user was owed and withdraws what a late-applied
 *   unfollow says they were never owed.
 *
 * Notifications are unique per (user, `NEW_EPISODE:<episode>`) however often either side is
 * applied or redelivered; where two publications qualify, the earliest one names the episode.
 */

const KIND = NotificationKind.NEW_EPISODE;
const keyOf = (episodeId: string): string => `${KIND}:${episodeId}`;
const messageOf = (title: string): string => `New episode: ${title}`;

export interface FollowFact {
  eventId: string;
  showId: string;
  userId: string;
  following: boolean;
  position: number;
  occurredAt: string;
}

export interface PublicationFact {
  eventId: string;
  episodeId: string;
  showId: string;
  ownerId: string;
  title: string;
  occurredAt: string;
}

/**
 * Both sides of one show are applied one at a time, also by two replicas at once: otherwise a
 * follow and a publication committed side by side would each miss the other (a write skew under
 * READ COMMITTED) and the notification would never be made. An advisory lock rather than a row
 * lock: there is no row per show here to lock; a hash collision only serialises two shows.
 */
async function lockShow(tx: EntityManager, showId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${KIND}:${showId.toLowerCase()}`]);
}

/** A notification with the same key already made by a later publication takes the earlier one's time and title. */
const UPSERT = `ON CONFLICT (user_id, dedupe_key) DO UPDATE SET message = EXCLUDED.message, created_at = EXCLUDED.created_at
  WHERE notifications.created_at > EXCLUDED.created_at`;

export async function notifyFollowers(tx: EntityManager, p: PublicationFact): Promise<void> {
  await lockShow(tx, p.showId);
  await tx.query(
    `INSERT INTO episode_publications (event_id, episode_id, show_id, owner_id, title, published_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`,
    [p.eventId, p.episodeId, p.showId, p.ownerId, p.title, p.occurredAt],
  );
  // the newest fact per follower at the publication's time, in one statement however many follow
  await tx.query(
    `INSERT INTO notifications (user_id, kind, dedupe_key, source_event_id, message, episode_id, show_id, created_at)
     SELECT s.user_id, $1, $2, $3, $4, $5, $6, $7
     FROM (SELECT DISTINCT ON (user_id) user_id, following FROM show_follow_events
           WHERE show_id = $6 AND occurred_at <= $7 ORDER BY user_id, position DESC) s
     WHERE s.following AND s.user_id <> $8
     ${UPSERT}`,
    [KIND, keyOf(p.episodeId), p.eventId, messageOf(p.title), p.episodeId, p.showId, p.occurredAt, p.ownerId],
  );
}

interface Owed {
  episode_id: string;
  title: string;
  published_at: Date;
}

export async function settleFollower(tx: EntityManager, f: FollowFact): Promise<void> {
  await lockShow(tx, f.showId);
  await tx.query(
    `INSERT INTO show_follow_events (show_id, user_id, position, following, occurred_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [f.showId, f.userId, f.position, f.following, f.occurredAt],
  );
  // every episode of the show the user was following at one of its publications, earliest first
  const owed: Owed[] = await tx.query(
    `SELECT DISTINCT ON (p.episode_id) p.episode_id, p.title, p.published_at
     FROM episode_publications p
     WHERE p.show_id = $1 AND p.owner_id <> $2
       AND COALESCE((SELECT f.following FROM show_follow_events f
                     WHERE f.show_id = p.show_id AND f.user_id = $2 AND f.occurred_at <= p.published_at
                     ORDER BY f.position DESC LIMIT 1), false)
     ORDER BY p.episode_id, p.published_at`,
    [f.showId, f.userId],
  );
  const episodes = owed.map((o) => o.episode_id);
  // only episodes whose publications we hold: older notifications (made before these facts were kept) stay
  await tx.query(
    `DELETE FROM notifications WHERE user_id = $1 AND kind = $2 AND show_id = $3
       AND episode_id IN (SELECT episode_id FROM episode_publications WHERE show_id = $3)
       AND NOT (episode_id = ANY($4::uuid[]))`,
    [f.userId, KIND, f.showId, episodes],
  );
  if (!owed.length) return;
  await tx.query(
    `INSERT INTO notifications (user_id, kind, dedupe_key, source_event_id, message, episode_id, show_id, created_at)
     SELECT $1, $2, o.dedupe_key, $3, o.message, o.episode_id, $4, o.published_at
     FROM unnest($5::uuid[], $6::text[], $7::text[], $8::timestamptz[]) AS o(episode_id, dedupe_key, message, published_at)
     ${UPSERT}`,
    [f.userId, KIND, f.eventId, f.showId, episodes, episodes.map(keyOf), owed.map((o) => messageOf(o.title)), owed.map((o) => o.published_at)],
  );
}

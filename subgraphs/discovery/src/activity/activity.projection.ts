import { EpisodeLiked, EpisodeUnliked, on, PlayRecorded } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

/** A like says more about taste than a single play, for trending and for "listeners also liked". */
export const LIKE_WEIGHT = 3;
export const PLAY_WEIGHT = 1;

/*
 * Plays only ever add, so the order in which events of different aggregates arrive cannot
 * change the result; the inbox makes each event count once. Buckets come from the event's
 * occurredAt (in UTC), never now(), so a replay rebuilds identical rows.
 */
async function addActivity(tx: EntityManager, episodeId: string, at: string | Date, plays: number, likes: number): Promise<void> {
  await tx.query(
    `INSERT INTO episode_activity (episode_id, bucket, plays, likes)
     VALUES ($1, date_trunc('hour', $2::timestamptz, 'UTC'), $3, $4)
     ON CONFLICT (episode_id, bucket) DO UPDATE SET
       plays = episode_activity.plays + EXCLUDED.plays, likes = episode_activity.likes + EXCLUDED.likes`,
    [episodeId, at, plays, likes],
  );
}

/** Records a like once; a second like without an unlike in between changes nothing. */
async function like(tx: EntityManager, userId: string, episodeId: string, at: string): Promise<void> {
  const added: unknown[] = await tx.query(
    `INSERT INTO listener_affinity AS a (user_id, episode_id, weight, liked_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, episode_id) DO UPDATE SET weight = a.weight + EXCLUDED.weight, liked_at = EXCLUDED.liked_at
     WHERE a.liked_at IS NULL
     RETURNING 1`,
    [userId, episodeId, LIKE_WEIGHT, at],
  );
  if (added.length) await addActivity(tx, episodeId, at, 0, 1);
}

/**
 * Takes the like back from the bucket it was counted in: an unlike today of a like from last
 * month must not push today's trending score below zero.
 */
async function unlike(tx: EntityManager, userId: string, episodeId: string): Promise<void> {
  // a top-level SELECT, because TypeORM answers a bare UPDATE with [rows, count]
  const removed: { liked_at: Date }[] = await tx.query(
    `WITH old AS (
       SELECT liked_at FROM listener_affinity WHERE user_id = $1 AND episode_id = $2 AND liked_at IS NOT NULL FOR UPDATE
     ), cleared AS (
       UPDATE listener_affinity a SET weight = a.weight - $3, liked_at = NULL FROM old
       WHERE a.user_id = $1 AND a.episode_id = $2
       RETURNING old.liked_at
     )
     SELECT liked_at FROM cleared`,
    [userId, episodeId, LIKE_WEIGHT],
  );
  if (removed.length) await addActivity(tx, episodeId, removed[0].liked_at, 0, -1);
}

async function countedPlay(tx: EntityManager, userId: string, episodeId: string, at: string): Promise<void> {
  await addActivity(tx, episodeId, at, 1, 0);
  await tx.query(
    `INSERT INTO listener_affinity AS a (user_id, episode_id, weight) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, episode_id) DO UPDATE SET weight = a.weight + EXCLUDED.weight`,
    [userId, episodeId, PLAY_WEIGHT],
  );
}

export const activityHandlers = [
  on(EpisodeLiked, (event, tx) => like(tx, event.payload.userId, event.payload.episodeId, event.occurredAt)),
  on(EpisodeUnliked, (event, tx) => unlike(tx, event.payload.userId, event.payload.episodeId)),
  // progress reports of a session that was already counted say nothing new
  on(PlayRecorded, async (event, tx) => {
    if (event.payload.counted) await countedPlay(tx, event.payload.userId, event.payload.episodeId, event.occurredAt);
  }),
];

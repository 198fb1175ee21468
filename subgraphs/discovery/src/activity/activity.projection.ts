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

interface LikeState {
  liked_at: Date | null;
  like_position: string;
}

/**
 * The listener's like of an episode, locked, created empty when missing. A like and an unlike
 * of one pair can arrive in either order (a retried message comes after later ones), so each
 * applies only when its position is newer than the last one applied; an unlike leaves its
 * position behind too, so a late older like cannot come back.
 */
async function lockLike(tx: EntityManager, userId: string, episodeId: string): Promise<LikeState> {
  await tx.query(
    'INSERT INTO listener_affinity (user_id, episode_id, weight) VALUES ($1, $2, 0) ON CONFLICT (user_id, episode_id) DO NOTHING',
    [userId, episodeId],
  );
  const [state]: LikeState[] = await tx.query(
    'SELECT liked_at, like_position FROM listener_affinity WHERE user_id = $1 AND episode_id = $2 FOR UPDATE',
    [userId, episodeId],
  );
  return state;
}

async function setLike(tx: EntityManager, userId: string, episodeId: string, weightChange: number, likedAt: string | null, position: number): Promise<void> {
  await tx.query(
    'UPDATE listener_affinity SET weight = weight + $3, liked_at = $4, like_position = $5 WHERE user_id = $1 AND episode_id = $2',
    [userId, episodeId, weightChange, likedAt, position],
  );
}

/** Counts a like once, in the hour it happened. */
async function like(tx: EntityManager, userId: string, episodeId: string, at: string, position: number): Promise<void> {
  const state = await lockLike(tx, userId, episodeId);
  if (Number(state.like_position) >= position) return;
  const flips = state.liked_at === null;
  await setLike(tx, userId, episodeId, flips ? LIKE_WEIGHT : 0, flips ? at : state.liked_at!.toISOString(), position);
  if (flips) await addActivity(tx, episodeId, at, 0, 1);
}

/**
 * Takes the like back from the bucket it was counted in: an unlike today of a like from last
 * month must not push today's trending score below zero.
 */
async function unlike(tx: EntityManager, userId: string, episodeId: string, position: number): Promise<void> {
  const state = await lockLike(tx, userId, episodeId);
  if (Number(state.like_position) >= position) return;
  await setLike(tx, userId, episodeId, state.liked_at ? -LIKE_WEIGHT : 0, null, position);
  if (state.liked_at) await addActivity(tx, episodeId, state.liked_at, 0, -1);
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
  on(EpisodeLiked, (event, tx) => like(tx, event.payload.userId, event.payload.episodeId, event.occurredAt, event.position)),
  on(EpisodeUnliked, (event, tx) => unlike(tx, event.payload.userId, event.payload.episodeId, event.position)),
  // progress reports of a session that was already counted say nothing new
  on(PlayRecorded, async (event, tx) => {
    if (event.payload.counted) await countedPlay(tx, event.payload.userId, event.payload.episodeId, event.occurredAt);
  }),
];

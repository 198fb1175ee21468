import { on, ShowFollowed, ShowUnfollowed, type EventEnvelope, type PayloadOf } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

type Follow = PayloadOf<typeof ShowFollowed>;

/** Who follows a show, as engagement last said; an older event arriving late changes nothing. */
async function setFollowing(event: EventEnvelope<Follow>, tx: EntityManager, following: boolean): Promise<void> {
  await tx.query(
    `INSERT INTO show_followers AS f (show_id, user_id, following, position) VALUES ($1, $2, $3, $4)
     ON CONFLICT (show_id, user_id) DO UPDATE SET following = EXCLUDED.following, position = EXCLUDED.position
     WHERE f.position < EXCLUDED.position`,
    [event.payload.showId, event.payload.userId, following, event.position],
  );
}

export const followerHandlers = [
  on(ShowFollowed, (event, tx) => setFollowing(event, tx, true)),
  on(ShowUnfollowed, (event, tx) => setFollowing(event, tx, false)),
];

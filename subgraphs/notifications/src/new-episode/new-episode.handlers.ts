import { EpisodePublished, on, ShowFollowed, ShowUnfollowed, type EventEnvelope, type PayloadOf } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import { notifyFollowers, settleFollower } from './new-episode.rule';

type Follow = PayloadOf<typeof ShowFollowed>;

const follow = (event: EventEnvelope<Follow>, tx: EntityManager, following: boolean) =>
  settleFollower(tx, { eventId: event.id, ...event.payload, following, position: event.position, occurredAt: event.occurredAt });

/** engagement's follows × catalog's publications → NEW_EPISODE, whichever is applied first. */
export const newEpisodeHandlers = [
  on(ShowFollowed, (event, tx) => follow(event, tx, true)),
  on(ShowUnfollowed, (event, tx) => follow(event, tx, false)),
  on(EpisodePublished, (event, tx) => {
    const { episodeId, showId, ownerId, title } = event.payload;
    return notifyFollowers(tx, { eventId: event.id, episodeId, showId, ownerId, title, occurredAt: event.occurredAt });
  }),
];

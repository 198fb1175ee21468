import { on, UserPlanChanged, type EventHandler } from '@wavegraph/events';
import type { PrivateFeedService } from './private-feed.service';

/** A listener who leaves PREMIUM loses their private feeds (staff keep theirs only through being staff: they create new ones). */
export const privateFeedHandlers = (feeds: PrivateFeedService): EventHandler[] => [
  on(UserPlanChanged, async (event, tx) => {
    if (event.payload.plan !== 'PREMIUM') await feeds.revokeAllOf(tx, event.payload.userId);
  }),
];

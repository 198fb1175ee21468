import { KnownEpisode } from '@wavegraph/events';
import { byKeys, type SubgraphModule } from '@wavegraph/kit';
import { commentRef } from './comment/comment.type';
import { episodeRef } from './episode/episode.type';
import { episodeVisibility } from './episode/episode.visibility';
import { CreateNotifications1764100000000 } from './migrations/1764100000000-CreateNotifications';
import { KnownEpisodes1764200000000 } from './migrations/1764200000000-KnownEpisodes';
import { EventLog1765000000000 } from './migrations/1765000000000-EventLog';
import { FollowsAndPublications1765100000000 } from './migrations/1765100000000-FollowsAndPublications';
import { BillingKinds1766830200000 } from './migrations/1766830200000-BillingKinds';
import { NewCommentKind1766900000000 } from './migrations/1766900000000-NewCommentKind';
import { Notification } from './notification/notification.entity';
import { NotificationResolver, UserNotificationsResolver } from './notification/notification.resolver';
import { createNotificationsServices, type NotificationsServices } from './services';
import { showRef } from './show/show.type';
import { userRef } from './user/user.type';

/**
 * The notifications subgraph: every user's inbox, written only by handlers of other contexts'
 * events (new episodes of followed shows, replies, media outcomes, welcome), read and marked
 * read by its user, and pushed live through `notificationAdded`.
 */
export const notificationsModule: SubgraphModule<NotificationsServices> = {
  name: 'notifications',
  resolvers: [NotificationResolver, UserNotificationsResolver],
  entities: [Notification, KnownEpisode],
  migrations: [CreateNotifications1764100000000, KnownEpisodes1764200000000, EventLog1765000000000, FollowsAndPublications1765100000000, BillingKinds1766830200000, NewCommentKind1766900000000],
  createServices: createNotificationsServices,
  references: {
    // a notification is visible to its own user only
    Notification: async (ids, ctx) => {
      const keys = ids.map((id) => id.toLowerCase());
      const rows = await ctx.services.queries.findByIds(keys);
      return byKeys(keys, rows, (n) => n.id).map((n) => (n && n.userId === ctx.viewer?.id.toLowerCase() ? n : null));
    },
    User: async (ids) => ids.map(userRef),
    Episode: async (ids) => ids.map(episodeRef),
    Show: async (ids) => ids.map(showRef),
    Comment: async (ids) => ids.map(commentRef),
  },
  // a notification about an episode its user may no longer see (unpublished, draft) shows nothing
  // of it (its message names the episode) however it is reached: notificationAdded, references
  guards: {
    Notification: { rule: episodeVisibility, subjectOf: (notification) => notification.episodeId as string | null },
  },
  ready: (services) => services.events.ping(),
  stopServices: async (services) => {
    await services.events.stop();
  },
};

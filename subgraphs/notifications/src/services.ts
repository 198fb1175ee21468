import { EventBackbone, KnownEpisodeReader, knownEpisodeHandlers, type EventEnvelope, type EventHandler, type Producer } from '@wavegraph/events';
import type { Context, Logger, ServiceDeps, SubgraphPubSub } from '@wavegraph/kit';
import { newEpisodeHandlers } from './new-episode/new-episode.handlers';
import { notificationHandlers } from './notification/notification.handlers';
import { NotificationQueries } from './notification/notification.queries';
import { notificationAddedTopic, NotificationService, type NotificationAddedEvent } from './notification/notification.service';

export const NOTIFICATIONS_GROUP = 'notifications';
export const NOTIFICATIONS_PRODUCERS: readonly Producer[] = ['identity', 'catalog', 'engagement', 'media', 'billing'];
/** known_episodes is written in the same transaction as the NEW_EPISODE fan-out of the same event. */
export const NOTIFICATIONS_HANDLERS: readonly EventHandler[] = [...knownEpisodeHandlers, ...newEpisodeHandlers, ...notificationHandlers];

export interface NotificationsServices {
  notifications: NotificationService;
  queries: NotificationQueries;
  events: EventBackbone;
  /** Visibility facts of episodes, for the guard on Notification. */
  knownEpisodes: KnownEpisodeReader;
}

export type NotificationsContext = Context<NotificationsServices>;

/** Once a batch of events committed: each notification it created goes live to its user. */
async function announce(queries: NotificationQueries, pubSub: SubgraphPubSub, log: Logger, applied: readonly EventEnvelope[]): Promise<void> {
  try {
    for (const { id, userId } of await queries.createdBy(applied.map((event) => event.id))) {
      const event: NotificationAddedEvent = { notificationId: id };
      await pubSub.publish(notificationAddedTopic(userId), event);
    }
  } catch (err) {
    // the inbox has them; only the live push is lost
    log.warn({ err }, 'could not announce new notifications');
  }
}

export async function createNotificationsServices({ db, log, redis, redisPrefix, pubSub, metrics }: ServiceDeps): Promise<NotificationsServices> {
  const { dataSource } = db;
  const queries = new NotificationQueries(dataSource);
  const events = await EventBackbone.start({
    dataSource,
    metrics,
    redis,
    prefix: redisPrefix,
    log,
    consumes: {
      group: NOTIFICATIONS_GROUP,
      producers: NOTIFICATIONS_PRODUCERS,
      handlers: NOTIFICATIONS_HANDLERS,
      afterApply: (applied) => announce(queries, pubSub, log, applied),
    },
  });
  return { notifications: new NotificationService(dataSource), queries, events, knownEpisodes: new KnownEpisodeReader(dataSource) };
}

import { forbidden, notFound, requireViewer, subscribeTopic, type Page, PAGED_CONNECTION, SUBSCRIPTION_COST, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { Comment, commentRef } from '../comment/comment.type';
import { Episode, episodeRef } from '../episode/episode.type';
import type { NotificationsContext } from '../services';
import { Show, showRef } from '../show/show.type';
import { User, userRef } from '../user/user.type';
import { Notification } from './notification.entity';
import { loadInbox, loadNotification, loadUnreadCount } from './notification.loader';
import { notificationAddedTopic, type NotificationAddedEvent } from './notification.service';
import { InboxArgs, NotificationConnection } from './notification.types';

/** An inbox is private: only its user reads it. */
function requireOwnInbox(ctx: NotificationsContext, user: User): void {
  if (requireViewer(ctx).id.toLowerCase() !== user.id.toLowerCase()) throw forbidden('Notifications are private');
}

@Resolver(() => Notification)
export class NotificationResolver {
  @Mutation(() => Int, { description: 'Marks your notifications read: either ids (1..100) or all: true; returns how many were unread' })
  markNotificationsRead(
    @Arg('ids', () => [ID], { nullable: true }) ids: string[] | null,
    @Arg('all', () => Boolean, { nullable: true }) all: boolean | null,
    @Ctx() ctx: NotificationsContext,
  ): Promise<number> {
    return ctx.services.notifications.markRead(ctx.viewer, ids, all);
  }

  @Directive(SUBSCRIPTION_COST)
  @Subscription(() => Notification, {
    description: 'Your own notifications as they arrive (UNAUTHENTICATED when signed out)',
    // the topic is the viewer's own: there is no argument through which to listen to anyone else
    subscribe: subscribeTopic((_args: unknown, ctx) => notificationAddedTopic(requireViewer(ctx).id)),
  })
  async notificationAdded(@Root() event: NotificationAddedEvent, @Ctx() ctx: NotificationsContext): Promise<Notification> {
    const notification = await loadNotification(ctx, event.notificationId);
    if (!notification) throw notFound('Notification');
    return notification;
  }

  @FieldResolver(() => Boolean)
  read(@Root() notification: Notification): boolean {
    return notification.readAt !== null;
  }

  @FieldResolver(() => Episode, REFERENCE)
  episode(@Root() notification: Notification): Episode | null {
    return notification.episodeId ? episodeRef(notification.episodeId) : null;
  }

  @FieldResolver(() => Show, REFERENCE)
  show(@Root() notification: Notification): Show | null {
    return notification.showId ? showRef(notification.showId) : null;
  }

  @FieldResolver(() => Comment, { ...REFERENCE, description: 'The reply, for COMMENT_REPLY; the comment, for NEW_COMMENT' })
  comment(@Root() notification: Notification): Comment | null {
    return notification.commentId ? commentRef(notification.commentId) : null;
  }

  @FieldResolver(() => User, { ...REFERENCE, description: 'Who replied, for COMMENT_REPLY; who commented, for NEW_COMMENT' })
  actor(@Root() notification: Notification): User | null {
    return notification.actorId ? userRef(notification.actorId) : null;
  }
}

@Resolver(() => User)
export class UserNotificationsResolver {
  @Directive(PAGED_CONNECTION)
  @FieldResolver(() => NotificationConnection, { nullable: true, description: 'Your inbox, newest first; FORBIDDEN for anyone else' })
  notifications(
    @Root() user: User,
    @Args(() => InboxArgs) { first, after, unreadOnly }: InboxArgs,
    @Ctx() ctx: NotificationsContext,
  ): Promise<Page<Notification>> {
    requireOwnInbox(ctx, user);
    return loadInbox(ctx, user.id, first, after, unreadOnly === true);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Your unread notifications; FORBIDDEN for anyone else' })
  unreadNotificationCount(@Root() user: User, @Ctx() ctx: NotificationsContext): Promise<number> {
    requireOwnInbox(ctx, user);
    return loadUnreadCount(ctx, user.id);
  }
}

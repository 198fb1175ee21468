import { connectionOf, encodeTimeCursor, PageArgs } from '@wavegraph/kit';
import { ArgsType, Field, Int } from 'type-graphql';
import { Notification } from './notification.entity';

export const NotificationConnection = connectionOf(Notification, 'Notification');
export const notificationCursor = (notification: Notification): string => encodeTimeCursor(notification.createdAt, notification.id);

/** A page of an inbox when `first` is left out. */
export const INBOX_PAGE_SIZE = 20;

/** `User.notifications(first: Int = 20, after, unreadOnly: Boolean = false)`: the defaults are in the schema, where clients see them. */
@ArgsType()
export class InboxArgs extends PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: INBOX_PAGE_SIZE })
  override first?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  unreadOnly?: boolean | null;
}

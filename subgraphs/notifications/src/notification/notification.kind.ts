import { registerEnumType } from 'type-graphql';

export enum NotificationKind {
  NEW_EPISODE = 'NEW_EPISODE',
  COMMENT_REPLY = 'COMMENT_REPLY',
  NEW_COMMENT = 'NEW_COMMENT',
  MEDIA_READY = 'MEDIA_READY',
  MEDIA_FAILED = 'MEDIA_FAILED',
  WELCOME = 'WELCOME',
  PREMIUM_STARTED = 'PREMIUM_STARTED',
  PREMIUM_ENDED = 'PREMIUM_ENDED',
  PAYMENT_REFUNDED = 'PAYMENT_REFUNDED',
}

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'NEW_EPISODE on a followed show, COMMENT_REPLY to your comment, NEW_COMMENT on an episode of yours, MEDIA_READY or MEDIA_FAILED for your upload, WELCOME once registered, PREMIUM_STARTED or PREMIUM_ENDED when your plan changes, PAYMENT_REFUNDED when a payment is given back',
});

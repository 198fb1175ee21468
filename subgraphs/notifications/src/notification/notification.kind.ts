import { registerEnumType } from 'type-graphql';

export enum NotificationKind {
  NEW_EPISODE = 'NEW_EPISODE',
  COMMENT_REPLY = 'COMMENT_REPLY',
  MEDIA_READY = 'MEDIA_READY',
  MEDIA_FAILED = 'MEDIA_FAILED',
  WELCOME = 'WELCOME',
}

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'NEW_EPISODE on a followed show, COMMENT_REPLY to your comment, MEDIA_READY or MEDIA_FAILED for your upload, WELCOME once registered',
});

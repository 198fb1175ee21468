import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';
import { Notification } from './notification.entity';

export const NotificationConnection = connectionOf(Notification, 'Notification');
export const notificationCursor = (notification: Notification): string => encodeTimeCursor(notification.createdAt, notification.id);

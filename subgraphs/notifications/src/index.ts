export { notificationsModule } from './notifications.module';
export type { NotificationsServices } from './services';

export { engagementModule } from './engagement.module';
export type { EngagementServices } from './services';

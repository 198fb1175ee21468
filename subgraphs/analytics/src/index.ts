export { analyticsModule } from './analytics.module';
export type { AnalyticsServices } from './services';

export { billingModule, createBillingModule, type BillingModuleOptions } from './billing.module';
export { billingConfigFromEnv, type BillingConfig } from './billing.config';
export type { BillingServices } from './services';
export { STRIPE_WEBHOOK_PATH } from './webhook/webhook.routes';

export { StripeTestServer, TEST_PREMIUM_PRICE, TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, type RecordedRequest } from './stripe-server';
export { testBillingConfig } from './harness';

import { billingConfigFromEnv } from './billing.config';

describe('billing configuration', () => {
  it('has working placeholders in an explicit local run, and Stripe as its API', () => {
    const config = billingConfigFromEnv({ NODE_ENV: 'development' });
    expect(config).toMatchObject({ stripeApiUrl: 'https://api.stripe.com', secretKey: 'sk_test_wavegraph_local', webhookSecret: 'whsec_wavegraph_local', webhookToleranceSeconds: 300 });
  });

  it('refuses to start outside a local run without the Stripe keys and price', () => {
    expect(() => billingConfigFromEnv({ NODE_ENV: 'production' })).toThrow(/STRIPE_SECRET_KEY must be set/);
    expect(() => billingConfigFromEnv({ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_x' })).toThrow(/STRIPE_WEBHOOK_SECRET must be set/);
    expect(() => billingConfigFromEnv({ NODE_ENV: 'development', HOST: '0.0.0.0', STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(/STRIPE_PREMIUM_PRICE must be set/);
    const given = billingConfigFromEnv({ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_PREMIUM_PRICE: 'price_x', STRIPE_API_URL: 'http://127.0.0.1:12111' });
    expect(given).toMatchObject({ secretKey: 'sk_live_x', webhookSecret: 'whsec_x', premiumPrice: 'price_x', stripeApiUrl: 'http://127.0.0.1:12111' });
  });

  it('refuses an API URL that is not http(s)', () => {
    expect(() => billingConfigFromEnv({ NODE_ENV: 'test', STRIPE_API_URL: 'ftp://stripe' })).toThrow(/STRIPE_API_URL/);
  });
});

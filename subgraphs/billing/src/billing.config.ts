import { isLocalRun } from '@wavegraph/auth';

/** How billing reaches Stripe and where Stripe sends buyers back; read once when the subgraph starts. */
export interface BillingConfig {
  /** `STRIPE_API_URL`: Stripe's API origin (protocol, host, port). Default `https://api.stripe.com`; tests point it at their local Stripe server. */
  stripeApiUrl: string;
  /** `STRIPE_SECRET_KEY`: the account's secret key (`sk_test_…`/`sk_live_…`). Required outside a local run; `sk_test_wavegraph_local` in one. */
  secretKey: string;
  /** `STRIPE_WEBHOOK_SECRET`: the endpoint's signing secret (`whsec_…`, or what `stripe listen` prints). Required outside a local run; `whsec_wavegraph_local` in one. */
  webhookSecret: string;
  /** `STRIPE_PREMIUM_PRICE`: the recurring Price (`price_…`) Premium is sold at. Required outside a local run; `price_wavegraph_premium` in one. */
  premiumPrice: string;
  /** `BILLING_SUCCESS_URL`: where Checkout sends a buyer who paid (`{CHECKOUT_SESSION_ID}` is filled in by Stripe). Default `http://localhost:4000/?checkout=success&session_id={CHECKOUT_SESSION_ID}`. */
  successUrl: string;
  /** `BILLING_CANCEL_URL`: where Checkout sends a buyer who gave up. Default `http://localhost:4000/?checkout=cancelled`. */
  cancelUrl: string;
  /** `BILLING_PORTAL_RETURN_URL`: where the customer portal's "return" link leads. Default `http://localhost:4000/`. */
  portalReturnUrl: string;
  /** `STRIPE_WEBHOOK_TOLERANCE_SECONDS`: how old a webhook's signed timestamp may be (replays outside it are refused). Default 300, Stripe's own. */
  webhookToleranceSeconds: number;
  /** `STRIPE_TIMEOUT_MS`: how long one Stripe API request may take. Default 10000. */
  stripeTimeoutMs: number;
  /** `STRIPE_MAX_NETWORK_RETRIES`: the SDK's retries of a failed request (with idempotency keys). Default 2. */
  stripeMaxNetworkRetries: number;
  /**
   * A compensation Stripe failed is tried again after `BILLING_SAGA_RETRY_BASE_SECONDS` (default
   * 5), doubling each time up to `BILLING_SAGA_RETRY_MAX_SECONDS` (default 3600); due retries are
   * looked for every `BILLING_SAGA_RETRY_EVERY_SECONDS` (default 5). In milliseconds here.
   */
  sagaRetry: SagaRetrySettings;
}

export interface SagaRetrySettings {
  baseMs: number;
  maxMs: number;
  everyMs: number;
}

/** Placeholders for an explicit local run only: they let the subgraph start, and Stripe refuses them. */
const LOCAL = { secretKey: 'sk_test_wavegraph_local', webhookSecret: 'whsec_wavegraph_local', premiumPrice: 'price_wavegraph_premium' } as const;

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, local: string): string {
  const given = env[name];
  if (given) return given;
  if (isLocalRun(env)) return local;
  throw new Error(`${name} must be set (the built-in placeholder works only with NODE_ENV=development or test on a loopback HOST)`);
}

const text = (env: Env, name: string, fallback: string): string => env[name] || fallback;

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function billingConfigFromEnv(env: Env = process.env): BillingConfig {
  const stripeApiUrl = text(env, 'STRIPE_API_URL', 'https://api.stripe.com');
  const parsed = new URL(stripeApiUrl);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`STRIPE_API_URL must be an http(s) URL, got "${stripeApiUrl}"`);
  return {
    stripeApiUrl,
    secretKey: required(env, 'STRIPE_SECRET_KEY', LOCAL.secretKey),
    webhookSecret: required(env, 'STRIPE_WEBHOOK_SECRET', LOCAL.webhookSecret),
    premiumPrice: required(env, 'STRIPE_PREMIUM_PRICE', LOCAL.premiumPrice),
    successUrl: text(env, 'BILLING_SUCCESS_URL', 'http://localhost:4000/?checkout=success&session_id={CHECKOUT_SESSION_ID}'),
    cancelUrl: text(env, 'BILLING_CANCEL_URL', 'http://localhost:4000/?checkout=cancelled'),
    portalReturnUrl: text(env, 'BILLING_PORTAL_RETURN_URL', 'http://localhost:4000/'),
    webhookToleranceSeconds: Math.max(1, integer(env, 'STRIPE_WEBHOOK_TOLERANCE_SECONDS', 300)),
    stripeTimeoutMs: Math.max(100, integer(env, 'STRIPE_TIMEOUT_MS', 10_000)),
    stripeMaxNetworkRetries: Math.max(0, integer(env, 'STRIPE_MAX_NETWORK_RETRIES', 2)),
    sagaRetry: {
      baseMs: Math.max(1, integer(env, 'BILLING_SAGA_RETRY_BASE_SECONDS', 5)) * 1000,
      maxMs: Math.max(1, integer(env, 'BILLING_SAGA_RETRY_MAX_SECONDS', 3600)) * 1000,
      everyMs: Math.max(1, integer(env, 'BILLING_SAGA_RETRY_EVERY_SECONDS', 5)) * 1000,
    },
  };
}

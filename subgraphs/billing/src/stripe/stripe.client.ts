import Stripe from 'stripe';
import type { BillingConfig } from '../billing.config';

/** The official SDK, aimed at `STRIPE_API_URL` (Stripe itself, or the test suite's local server). */
export function createStripeClient(config: BillingConfig): Stripe {
  const url = new URL(config.stripeApiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(config.secretKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    timeout: config.stripeTimeoutMs,
    maxNetworkRetries: config.stripeMaxNetworkRetries,
    // no usage reports to Stripe about our own requests
    telemetry: false,
    appInfo: { name: 'Wavegraph' },
  });
}

/** The id of an expandable field, whether Stripe sent the id or the object. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value : value.id;
}

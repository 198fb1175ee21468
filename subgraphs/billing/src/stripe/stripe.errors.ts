import { appError, serviceUnavailable } from '@wavegraph/kit';
import type { GraphQLError } from 'graphql';
import Stripe from 'stripe';

/**
 * Stripe being unreachable, slow or rate limiting us is retryable (SERVICE_UNAVAILABLE); what
 * Stripe refuses as invalid is a configuration fault, surfaced as an internal error (and logged).
 */
export function stripeFailure(error: unknown): GraphQLError | unknown {
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeRateLimitError || error instanceof Stripe.errors.StripeAPIError) {
    return serviceUnavailable(5);
  }
  if (error instanceof Stripe.errors.StripeError) return Object.assign(new Error(`Stripe refused the request: ${error.message}`), { cause: error });
  return error;
}

/** Runs a Stripe call, turning its failures into the errors clients see. */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw stripeFailure(error);
  }
}

export const alreadyPremium = (): GraphQLError => appError('CONFLICT', 'You already have Premium');
export const noPremium = (): GraphQLError => appError('CONFLICT', 'You have no Premium subscription to change');

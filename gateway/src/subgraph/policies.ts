import {
  BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, TaskCancelledError, timeout, TimeoutStrategy,
  type CircuitBreakerPolicy, type IPolicy, type RetryPolicy,
} from 'cockatiel';

/** How hard the gateway tries a subgraph, from GATEWAY_BREAKER_* / GATEWAY_RETRY_* / SUBGRAPH_TIMEOUT_MS. */
export interface ResilienceSettings {
  /** The whole budget of one subgraph fetch, every retry and backoff included. */
  timeoutMs: number;
  /** Consecutive failures that open a subgraph's breaker. */
  breakerThreshold: number;
  /** How long an open breaker fails fast before letting one probe through (half-open). */
  breakerHalfOpenMs: number;
  /** Retries after the first attempt (reads only); 0 turns retries off. */
  retryAttempts: number;
  /** First backoff; each next one grows exponentially, with decorrelated jitter. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

/** The attempt ran past the overall deadline: not a fault of the subgraph beyond the timeout already counted. */
export class DeadlineExceeded extends Error {}

/** HTTP status of a failed subgraph response, as RemoteGraphQLDataSource reports it. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { extensions?: { response?: { status?: unknown } } } | null)?.extensions?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * A failure that says the subgraph cannot answer right now: no connection, reset, timeout, or
 * a 5xx/429. A 4xx other than 429 is an answer (a refused envelope, a bad request): sending it
 * again gives the same, and it says nothing about the subgraph's health.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof BrokenCircuitError || error instanceof TaskCancelledError || error instanceof DeadlineExceeded) return false;
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 429;
}

export function createBreaker(settings: ResilienceSettings): CircuitBreakerPolicy {
  return circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: settings.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(settings.breakerThreshold),
  });
}

export function createRetry(settings: ResilienceSettings): RetryPolicy {
  return retry(handleWhen(isTransient), {
    maxAttempts: settings.retryAttempts,
    // ExponentialBackoff's default generator adds decorrelated jitter, so replicas do not retry in step
    backoff: new ExponentialBackoff({ initialDelay: settings.retryBaseDelayMs, maxDelay: settings.retryMaxDelayMs }),
  });
}

/**
 * The overall deadline, outermost: aggressive, so the fetch ends at `timeoutMs` whatever the
 * inner policies are doing (a backoff in progress included), and the attempt's signal aborts.
 */
export function createDeadline(settings: ResilienceSettings): IPolicy {
  // abortOnReturn off: an attempt has read its whole answer when it returns, and aborting its
  // signal then would build and dispatch an AbortError for every fetch that went well
  return timeout(settings.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
}

export interface FetchPolicies {
  deadline: IPolicy;
  /** The deadline policy's budget: what each attempt's envelope states as the moment the gateway stops waiting. */
  timeoutMs: number;
  /** null: this fetch is not retried (a mutation, or retries off). */
  retry: RetryPolicy | null;
  breaker: CircuitBreakerPolicy;
}

/**
 * Runs one subgraph fetch through deadline → (retry →) breaker → attempt. Each attempt goes
 * through the breaker, so it counts towards opening it, and an open breaker fails the attempt
 * at once (BrokenCircuitError, not retried, no network). An attempt that would start after the
 * deadline does not reach the network either. Every attempt is given the fetch's deadline (epoch
 * ms) to sign: a subgraph that only reads it later (held, paused) refuses to run it.
 */
export function runFetch<T>(policies: FetchPolicies, attempt: (signal: AbortSignal, deadline: number) => Promise<T>): Promise<T> {
  return policies.deadline.execute(({ signal }) => {
    // the deadline policy's timer started just now
    const deadline = Date.now() + policies.timeoutMs;
    const once = (outer: AbortSignal) =>
      policies.breaker.execute(({ signal: inner }) => {
        if (inner.aborted) throw new DeadlineExceeded('subgraph deadline exceeded');
        return attempt(inner, deadline);
      }, outer);
    return policies.retry ? policies.retry.execute(({ signal: outer }) => once(outer), signal) : once(signal);
  });
}

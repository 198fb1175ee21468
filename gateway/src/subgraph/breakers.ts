import { CircuitState, type CircuitBreakerPolicy, type RetryPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import { createBreaker, createDeadline, createRetry, type FetchPolicies, type ResilienceSettings } from './policies';

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

export interface BreakerReport {
  state: BreakerStateName;
  /** When it last changed state (ISO time), if it ever did. */
  since?: string;
}

const NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

interface Entry {
  breaker: CircuitBreakerPolicy;
  retry: RetryPolicy | null;
  since?: Date;
}

/**
 * One breaker (and retry policy) per subgraph for the gateway's lifetime: data sources are built
 * again at every supergraph (re)load and for subscriptions, and must all share their subgraph's
 * breaker, or a reload would close an open one. One deadline policy serves every fetch.
 */
export class SubgraphBreakers {
  private readonly entries = new Map<string, Entry>();
  // holds no state of a fetch (each execution has its own timer and signal): one for all
  private readonly deadline: ReturnType<typeof createDeadline>;

  constructor(
    private readonly settings: ResilienceSettings,
    private readonly log: Logger,
  ) {
    this.deadline = createDeadline(settings);
  }

  /** The policies for one fetch from `subgraph`; `retryable` says whether it may be sent again. */
  policies(subgraph: string, retryable: boolean): FetchPolicies {
    const entry = this.entry(subgraph);
    return { deadline: this.deadline, timeoutMs: this.settings.timeoutMs, retry: retryable ? entry.retry : null, breaker: entry.breaker };
  }

  /** Every subgraph's breaker as /ready shows it. */
  report(): Record<string, BreakerReport> {
    return Object.fromEntries(
      [...this.entries].map(([name, entry]) => [name, { state: NAMES[entry.breaker.state], ...(entry.since && { since: entry.since.toISOString() }) }]),
    );
  }

  /** Registers a subgraph so /ready lists it before its first fetch. */
  register(subgraph: string): void {
    this.entry(subgraph);
  }

  private entry(subgraph: string): Entry {
    let entry = this.entries.get(subgraph);
    if (entry) return entry;
    const breaker = createBreaker(this.settings);
    const created: Entry = { breaker, retry: this.settings.retryAttempts > 0 ? createRetry(this.settings) : null };
    breaker.onStateChange((state) => {
      created.since = new Date();
      const log = state === CircuitState.Closed ? this.log.info.bind(this.log) : this.log.warn.bind(this.log);
      log({ subgraph, breaker: NAMES[state] }, `subgraph breaker ${NAMES[state]}`);
    });
    this.entries.set(subgraph, created);
    entry = created;
    return entry;
  }
}

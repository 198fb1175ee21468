import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { gatewayMetrics, type Registry } from '@wavegraph/metrics';
import { DeadlineExceeded } from '../subgraph/policies';

/** One subgraph's fetch series, label children resolved once: a fetch costs two clock reads and an observe. */
export interface SubgraphFetchSeries {
  /** Times one attempt, counting its failure (unless the deadline cut it short: that is counted once, as a timeout). */
  attempt<T>(work: Promise<T>, signal: AbortSignal): Promise<T>;
  /** The fetch got no answer at all (the data source answers SUBGRAPH_UNAVAILABLE). */
  unavailable(error: unknown): void;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { extensions?: { response?: { status?: unknown } } } | undefined)?.extensions?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Fetch metrics per subgraph, made once per subgraph name for the gateway's lifetime (reloads build new data sources). */
export class SubgraphFetchMetrics {
  private readonly series = new Map<string, SubgraphFetchSeries>();
  private readonly metrics: ReturnType<typeof gatewayMetrics>;

  constructor(registry: Registry) {
    this.metrics = gatewayMetrics(registry);
  }

  of(subgraph: string): SubgraphFetchSeries {
    let series = this.series.get(subgraph);
    if (series) return series;
    const duration = this.metrics.fetchDuration.labels(subgraph);
    const errors = this.metrics.fetchErrors;
    const reasons = new Map<string, { inc(): void }>();
    const count = (reason: string) => {
      let child = reasons.get(reason);
      if (!child) reasons.set(reason, (child = errors.labels(subgraph, reason)));
      child.inc();
    };
    series = {
      attempt: async (work, signal) => {
        const started = performance.now();
        try {
          return await work;
        } catch (error) {
          if (!signal.aborted) {
            const status = statusOf(error);
            count(status === undefined ? 'unreachable' : `http_${status}`);
          }
          throw error;
        } finally {
          duration.observe((performance.now() - started) / 1000);
        }
      },
      unavailable: (error) => {
        if (error instanceof BrokenCircuitError) count('breaker_open');
        else if (error instanceof TaskCancelledError || error instanceof DeadlineExceeded) count('timeout');
      },
    };
    this.series.set(subgraph, series);
    return series;
  }
}

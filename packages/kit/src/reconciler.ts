import { reconcileMetrics, type Registry } from '@wavegraph/metrics';
import type { HealthCheck } from './readiness';
import type { Logger } from './logger';

/** What one round restored, per kind (`requeued`, `published`, ...); kinds with nothing restored may be left out. */
export type ReconcileCounts = Record<string, number>;

/**
 * What a round throws when some items could not be reconciled (one bad row must not stop the
 * others): what it did restore is still counted, and readiness names the failures.
 */
export class ReconcileFailures extends Error {
  constructor(
    readonly counts: ReconcileCounts,
    readonly failures: unknown[],
  ) {
    super(`${failures.length} could not be reconciled (first: ${failures[0] instanceof Error ? failures[0].message : String(failures[0])})`);
    this.name = 'ReconcileFailures';
  }
}

export interface ReconcilerOptions {
  /** The queue whose delayed work is reconciled: the metric's `queue` label and the log lines' `queue`. */
  queue: string;
  /** Every kind a round may report, so their series exist (at 0) before anything is lost. */
  kinds: readonly string[];
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number;
  /** Compares the database (the source of truth) with the queue and restores what is missing; idempotent. */
  round: () => Promise<ReconcileCounts>;
  log: Logger;
  metrics?: Registry;
}

export interface Reconciler {
  /** Readiness: always passing (recovering workers keep working); its note says what the last round restored. */
  readonly check: HealthCheck;
  /** Runs a round now (or joins the one running) and returns what it restored. */
  runNow(): Promise<ReconcileCounts>;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

const total = (counts: ReconcileCounts): number => Object.values(counts).reduce((sum, n) => sum + n, 0);
const describe = (counts: ReconcileCounts): string =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');

/**
 * Runs `round` at start and then every `intervalMs`, never two at once in this process (other
 * replicas may run theirs: rounds must be idempotent). Our own loop rather than a BullMQ
 * repeatable job on purpose: it must work precisely when Redis lost its jobs, schedulers included.
 */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  const counter = options.metrics && reconcileMetrics(options.metrics);
  for (const kind of options.kinds) counter?.labels(options.queue, kind).inc(0);
  let note = 'first round running';
  let running: Promise<ReconcileCounts> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const round = async (): Promise<ReconcileCounts> => {
    const started = Date.now();
    const record = (counts: ReconcileCounts) => {
      for (const [kind, n] of Object.entries(counts)) if (n > 0) counter?.labels(options.queue, kind).inc(n);
      return total(counts);
    };
    try {
      const counts = await options.round();
      const restored = record(counts);
      if (restored > 0) {
        note = `recovering: ${describe(counts)} (round at ${new Date(started).toISOString()})`;
        options.log.warn({ queue: options.queue, reconciled: counts, ms: Date.now() - started }, `reconciled ${restored} jobs missing from Redis`);
      } else {
        note = 'ok';
        options.log.debug({ queue: options.queue, ms: Date.now() - started }, 'reconcile round found nothing missing');
      }
      return counts;
    } catch (error) {
      // Redis or Postgres away: their own checks fail; the next round tries again
      const partial = error instanceof ReconcileFailures ? error.counts : {};
      const restored = record(partial);
      note = `last round failed: ${(error as Error).message}${restored > 0 ? `; recovering: ${describe(partial)}` : ''}`;
      options.log.warn({ queue: options.queue, err: error, reconciled: partial }, 'reconcile round failed');
      return partial;
    }
  };
  const runNow = (): Promise<ReconcileCounts> =>
    (running ??= round().finally(() => {
      running = undefined;
    }));
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runNow().finally(schedule), options.intervalMs);
    // the worker's own connections keep the process alive, not this timer
    timer.unref();
  };
  void runNow().finally(schedule);

  return {
    check: async () => note,
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

import { Counter, Histogram, type Registry } from 'prom-client';
import { metricOnce } from './registry';
import { ScrapedGauges } from './scraped';

/** BullMQ job counts per queue and state (waiting, active, delayed, failed), read at each scrape. */
export function queueGauges(registry: Registry) {
  return ScrapedGauges.of(registry, 'queue', {
    jobs: { name: 'wavegraph_queue_jobs', help: 'BullMQ jobs per queue and state', labelNames: ['queue', 'state'] },
  });
}

/** Seconds; a scheduled publish takes milliseconds, a rendition of a long episode minutes. */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800];

export function jobMetrics(registry: Registry) {
  return {
    duration: metricOnce(registry, 'wavegraph_job_duration_seconds', () => new Histogram({
      name: 'wavegraph_job_duration_seconds',
      help: 'Time a job spent in its processor, per queue and step (job name), finished or failed',
      labelNames: ['queue', 'step', 'outcome'] as const,
      buckets: JOB_BUCKETS,
      registers: [registry],
    })),
    failed: metricOnce(registry, 'wavegraph_jobs_failed_total', () => new Counter({
      name: 'wavegraph_jobs_failed_total',
      help: 'Job attempts that failed, per queue and step (a retried job counts once per attempt)',
      labelNames: ['queue', 'step'] as const,
      registers: [registry],
    })),
  };
}

/**
 * Work a reconciler found missing from Redis (or given up there) and restored from the
 * database, its source of truth: per queue and kind (`requeued`: its job was added again;
 * `published`: a scheduled publish that was already due ran at once). Any increase means Redis
 * lost jobs (a failover to a lagging replica, a wiped volume) and the workers recovered them.
 */
export function reconcileMetrics(registry: Registry) {
  return metricOnce(registry, 'wavegraph_reconciled_jobs_total', () => new Counter({
    name: 'wavegraph_reconciled_jobs_total',
    help: 'Delayed work found missing from Redis and restored from the database, per queue and kind',
    labelNames: ['queue', 'kind'] as const,
    registers: [registry],
  }));
}

/** The part of a BullMQ job these metrics read. */
interface FinishedJob {
  name: string;
  processedOn?: number;
  finishedOn?: number;
}

/** The part of a BullMQ Worker these metrics listen to. */
interface JobEvents {
  on(event: 'completed', listener: (job: FinishedJob) => void): unknown;
  on(event: 'failed', listener: (job: FinishedJob | undefined) => void): unknown;
}

/**
 * Records each job a BullMQ worker finishes (duration per step, failed attempts) and reports the
 * queue's job counts at each scrape through `counts` (a Queue's getJobCounts on a connection
 * the component already has). Returns what stops the reporting.
 */
export function instrumentQueue(
  registry: Registry,
  queue: string,
  worker: JobEvents,
  counts: () => Promise<Record<string, number>>,
): () => void {
  const { duration, failed } = jobMetrics(registry);
  const observe = (job: FinishedJob, outcome: 'completed' | 'failed') => {
    if (job.processedOn && job.finishedOn) duration.labels(queue, job.name, outcome).observe((job.finishedOn - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => {
    if (!job) return;
    failed.labels(queue, job.name).inc();
    observe(job, 'failed');
  });
  return queueGauges(registry).watch(async () => {
    const byState = await counts();
    return ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'].map((state) => ({
      labels: { queue, state },
      values: { jobs: byState[state] ?? 0 },
    }));
  });
}

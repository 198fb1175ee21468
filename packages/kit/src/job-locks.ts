import { envInt } from './config';

/**
 * How a BullMQ worker holds its jobs, and so how soon a job of a killed worker (SIGKILL, OOM,
 * a lost node) runs again elsewhere. BullMQ's own defaults (a 30 s lock, a stalled check every
 * 30 s) leave such a job untouched for up to a minute; ours take it over within about
 * `lockMs + stalledIntervalMs` (5 s). A running job's lock is renewed every `lockRenewMs`
 * for as long as it runs, so a long step (a transcode of minutes) keeps its job however
 * short the lock is; the worker's event loop only has to tick once in that time (media
 * steps run in sandboxed child processes, so it does).
 */
export interface JobLockOptions {
  /** How long a lock lasts without renewal (BullMQ `lockDuration`). Default 4000 ms (BullMQ's: 30000). */
  lockMs?: number;
  /** How often a running job's lock is renewed (BullMQ `lockRenewTime`). Default 1000 ms, four renewals per lock, so a lock survives a 3 s stall of the event loop (BullMQ's: half the lock). */
  lockRenewMs?: number;
  /** How often jobs without a lock are looked for and moved back to wait (BullMQ `stalledInterval`). Default 1000 ms (BullMQ's: 30000); every worker asks, the first in each interval does the work for the queue. */
  stalledIntervalMs?: number;
  /** Times a job may lose its worker before it fails (BullMQ `maxStalledCount`). Default 2 (BullMQ's: 1). */
  maxStalledCount?: number;
}

export const DEFAULT_JOB_LOCKS: Required<JobLockOptions> = { lockMs: 4_000, lockRenewMs: 1_000, stalledIntervalMs: 1_000, maxStalledCount: 2 };

/** The options of a BullMQ Worker these stand for (BullMQ's names), defaults filled in. */
export function workerLockOptions(options: JobLockOptions = {}): { lockDuration: number; lockRenewTime: number; stalledInterval: number; maxStalledCount: number } {
  const lockDuration = options.lockMs ?? DEFAULT_JOB_LOCKS.lockMs;
  // a renewal must come well within the lock, whatever the two were set to
  const lockRenewTime = Math.min(options.lockRenewMs ?? DEFAULT_JOB_LOCKS.lockRenewMs, Math.floor(lockDuration / 2));
  return {
    lockDuration,
    lockRenewTime,
    stalledInterval: options.stalledIntervalMs ?? DEFAULT_JOB_LOCKS.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? DEFAULT_JOB_LOCKS.maxStalledCount,
  };
}

/** `<PREFIX>_LOCK_MS`, `<PREFIX>_LOCK_RENEW_MS`, `<PREFIX>_STALLED_INTERVAL_MS`, `<PREFIX>_MAX_STALLED_COUNT` (e.g. MEDIA_WORKER). */
export function jobLocksFromEnv(prefix: string): Required<JobLockOptions> {
  return {
    lockMs: envInt(`${prefix}_LOCK_MS`, DEFAULT_JOB_LOCKS.lockMs),
    lockRenewMs: envInt(`${prefix}_LOCK_RENEW_MS`, DEFAULT_JOB_LOCKS.lockRenewMs),
    stalledIntervalMs: envInt(`${prefix}_STALLED_INTERVAL_MS`, DEFAULT_JOB_LOCKS.stalledIntervalMs),
    maxStalledCount: envInt(`${prefix}_MAX_STALLED_COUNT`, DEFAULT_JOB_LOCKS.maxStalledCount),
  };
}

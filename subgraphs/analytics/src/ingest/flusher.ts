import { modifyReturning, type Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { AnalyticsStore, DownloadRow, PlayRow } from '../store/analytics.store';
import { revive } from './pending';

export interface FlushOptions {
  /** Rows per ClickHouse insert, and the most held in memory at once (ANALYTICS_FLUSH_ROWS, default 5000). */
  batchRows: number;
  /** The longest a row waits for a batch to fill (ANALYTICS_FLUSH_MS, default 1000). */
  intervalMs: number;
}

/** How long a claimed batch is ours: a flusher that died lets another take it after this. */
const LEASE_SECONDS = 120;

/**
 * Moves queued rows (analytics_pending, written with their events' inbox rows) to the store in
 * batches: when `batchRows` are waiting or every `intervalMs`, whichever comes first. A batch is
 * claimed for a lease with FOR UPDATE SKIP LOCKED (replicas share the queue without taking a row
 * twice), written, then deleted; if the process dies between the insert and the delete, the rows
 * are written again once the lease ends and the store skips the event ids it holds. While the
 * store is down rows wait in Postgres: an outage delays analytics, it loses nothing.
 */
export class AnalyticsFlusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private queuedSinceFlush = 0;
  private failures = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: AnalyticsStore,
    private readonly options: FlushOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.schedule(this.options.intervalMs);
  }

  /** The consumer applied `count` events: a full batch is flushed at once. */
  noteQueued(count: number): void {
    this.queuedSinceFlush += count;
    if (this.queuedSinceFlush >= this.options.batchRows) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const moved = await this.flushAll();
      this.failures = 0;
      this.schedule(moved >= this.options.batchRows ? 0 : this.options.intervalMs);
    } catch (error) {
      this.failures += 1;
      // back off while the store is away, up to a minute
      const delay = Math.min(60_000, this.options.intervalMs * 2 ** Math.min(this.failures, 6));
      this.log.warn({ err: error, retryInMs: delay }, 'analytics rows could not be written to the store; they wait in analytics_pending');
      this.schedule(delay);
    }
  }

  /** Flushes until the queue is empty (or stopping); one flush at a time per process. */
  flushAll(): Promise<number> {
    const previous = this.running ?? Promise.resolve();
    let moved = 0;
    const run = previous.then(async () => {
      this.queuedSinceFlush = 0;
      for (;;) {
        const batch = await this.flushBatch();
        moved += batch;
        if (batch < this.options.batchRows || this.stopped) return;
      }
    });
    this.running = run.catch(() => undefined);
    return run.then(() => moved);
  }

  /**
   * One batch: claimed for a lease (committed, with its attempt counted), written, then deleted.
   * Rows on their first attempt cannot be in the store yet, so it skips its event-id check for
   * them; a batch that was tried before (the process died, the store failed mid-insert) is checked.
   */
  private async flushBatch(): Promise<number> {
    const claimed = await modifyReturning<{ seq: string; kind: string; row: Record<string, unknown>; attempts: number }>(
      this.dataSource,
      `UPDATE analytics_pending SET attempts = attempts + 1, claimed_until = now() + make_interval(secs => $2)
       WHERE seq IN (SELECT seq FROM analytics_pending WHERE claimed_until IS NULL OR claimed_until < now() ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING seq, kind, row, attempts`,
      [this.options.batchRows, LEASE_SECONDS],
    );
    if (!claimed.length) return 0;
    const plays: PlayRow[] = [];
    const downloads: DownloadRow[] = [];
    for (const { kind, row } of claimed) {
      const pending = revive(kind, row);
      if (pending.kind === 'play') plays.push(pending.row);
      else downloads.push(pending.row);
    }
    const fresh = claimed.every((c) => c.attempts === 1);
    try {
      await Promise.all([this.store.insertPlays(plays, { fresh }), this.store.insertDownloads(downloads, { fresh })]);
    } catch (error) {
      // back to the queue at once (attempted: the next try checks what the store already holds)
      await this.dataSource.query('UPDATE analytics_pending SET claimed_until = NULL WHERE seq = ANY($1::bigint[])', [claimed.map((c) => c.seq)]).catch(() => undefined);
      throw error;
    }
    await this.dataSource.query('DELETE FROM analytics_pending WHERE seq = ANY($1::bigint[])', [claimed.map((c) => c.seq)]);
    return claimed.length;
  }

  /** Stops the timer and lets a running flush finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

import type { DataSource } from 'typeorm';
import type { MediaStorage } from './storage.port';

const SWEEP_BATCH = 100;

/**
 * Objects that nothing points at any more but that may still be in use: a rendition re-muxed with
 * new chapters, a replaced transcript, the outputs of a replaced source. A signed URL issued for
 * them before the swap (a player mid-episode, a podcast app that followed a stable URL's
 * redirect) must keep working until it expires, so they are kept for a grace period and removed
 * by the subgraph's sweep (sweepRetired) once it is over. A grace of 0 removes them at once.
 */
export class Retirement {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: MediaStorage,
    /** Seconds an object stays after it is retired (see retiredGraceSecondsOf). */
    readonly graceSeconds: number,
  ) {}

  /** Retires every object below each prefix; prefixes already retired keep their first deadline. */
  async retire(prefixes: readonly string[]): Promise<void> {
    if (!prefixes.length) return;
    if (this.graceSeconds <= 0) {
      for (const prefix of prefixes) await this.storage.deletePrefix(prefix);
      return;
    }
    await this.dataSource.query(
      `INSERT INTO media_retired_objects (prefix, delete_after)
       SELECT p, now() + make_interval(secs => $2) FROM unnest($1::text[]) AS p
       ON CONFLICT (prefix) DO NOTHING`,
      [prefixes, this.graceSeconds],
    );
  }
}

/**
 * Removes retired objects whose grace is over. Rows are claimed with SKIP LOCKED, so replicas
 * sweep side by side; a row goes only in the transaction whose storage deletes succeeded, so a
 * storage outage leaves it for the next sweep. Returns how many prefixes went.
 */
export async function sweepRetired(dataSource: DataSource, storage: MediaStorage, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await dataSource.transaction(async (tx) => {
      const rows: { prefix: string }[] = await tx.query(
        `SELECT prefix FROM media_retired_objects WHERE delete_after <= $1 ORDER BY delete_after LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, SWEEP_BATCH],
      );
      for (const { prefix } of rows) await storage.deletePrefix(prefix);
      if (rows.length) await tx.query('DELETE FROM media_retired_objects WHERE prefix = ANY($1::text[])', [rows.map((row) => row.prefix)]);
      return rows.length;
    });
    total += removed;
    if (removed < SWEEP_BATCH) return total;
  }
}

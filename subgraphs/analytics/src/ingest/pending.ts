import type { EntityManager } from 'typeorm';
import type { DownloadRow, PlayRow } from '../store/analytics.store';

export type Pending = { kind: 'play'; row: PlayRow } | { kind: 'download'; row: DownloadRow };

/** Queues a row for ClickHouse in the transaction that applies its event (the flusher moves it). */
export async function enqueue(tx: EntityManager, pending: Pending): Promise<void> {
  await tx.query('INSERT INTO analytics_pending (kind, row) VALUES ($1, $2)', [pending.kind, JSON.stringify(pending.row)]);
}

/** Rows read back from the queue: dates travel as ISO strings in jsonb. */
export function revive(kind: string, row: Record<string, unknown>): Pending {
  const at = new Date(String(row.at));
  return kind === 'play' ? { kind: 'play', row: { ...(row as unknown as PlayRow), at } } : { kind: 'download', row: { ...(row as unknown as DownloadRow), at } };
}

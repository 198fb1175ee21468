import { on, PrivateFeedIssued, PrivateFeedRevoked, type EventHandler } from '@wavegraph/events';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Catalog's private feeds, as far as media needs them: which token hash lets downloads of which
 * show's PREMIUM episodes through. A revocation is final for its feed (a new feed has a new id),
 * so the order in which the two arrive does not matter.
 */
export const privateFeedHandlers: readonly EventHandler[] = [
  on(PrivateFeedIssued, async (event, tx) => {
    const { feedId, showId, listenerId, tokenHash } = event.payload;
    await tx.query(
      'INSERT INTO private_feed_grants (feed_id, show_id, listener_id, token_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (feed_id) DO NOTHING',
      [feedId, showId, listenerId, tokenHash],
    );
  }),
  on(PrivateFeedRevoked, async (event, tx) => {
    const { feedId, showId, listenerId } = event.payload;
    // a revocation seen before its issue: the row it leaves keeps the later issue from granting anything
    await tx.query(
      `INSERT INTO private_feed_grants (feed_id, show_id, listener_id, token_hash, revoked) VALUES ($1, $2, $3, $4, true)
       ON CONFLICT (feed_id) DO UPDATE SET revoked = true`,
      [feedId, showId, listenerId, `revoked:${feedId}`],
    );
  }),
];

/** Whether `token` is a live private feed token of the show. */
export async function privateFeedAllows(dataSource: DataSource, token: string, showId: string): Promise<boolean> {
  const hash = createHash('sha256').update(token).digest('hex');
  const rows: unknown[] = await dataSource.query('SELECT 1 FROM private_feed_grants WHERE token_hash = $1 AND show_id = $2 AND NOT revoked', [hash, showId]);
  return rows.length > 0;
}

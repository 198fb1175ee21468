import { modifyReturning, type SubgraphPubSub } from '@wavegraph/kit';
import type { EntityManager } from 'typeorm';
import { announce } from '../processing/progress';

/*
 * Ending an asset that never received its source (an abandoned upload or recording session):
 * it becomes DELETED, and whoever follows its processing is told.
 */

/** The assets of ended uploads that never received their file; returns the ids it deleted. */
export async function deleteUnfilled(tx: EntityManager, assetIds: string[]): Promise<string[]> {
  const rows = await modifyReturning<{ id: string }>(
    tx,
    `UPDATE media_assets SET status = 'DELETED', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'AWAITING_UPLOAD' RETURNING id`,
    [assetIds],
  );
  return rows.map((row) => row.id);
}

/** Someone may follow an asset from before its upload started: its subscription ends here. */
export async function announceDeleted(pubSub: SubgraphPubSub, assetIds: readonly string[]): Promise<void> {
  await Promise.all(assetIds.map((assetId) => announce(pubSub, { assetId, deleted: true })));
}

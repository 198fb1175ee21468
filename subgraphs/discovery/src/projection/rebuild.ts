import { applyInTransaction, handlersByType, replayHistory, replayLogs, type EventEnvelope, type ProducerLogs } from '@wavegraph/events';
import type { Logger } from '@wavegraph/kit';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { QueryCache } from '../cache/query-cache';
import { DISCOVERY_GROUP, DISCOVERY_PRODUCERS, discoveryHandlers, PROJECTION_TABLES } from './projection';

export interface RebuildOptions {
  dataSource: DataSource;
  redis: Redis;
  prefix: string;
  log: Logger;
  /** Invalidated after the commit, when the subgraph's cache is reachable. */
  cache?: QueryCache;
  /**
   * Where the history comes from: the producers' durable logs (the default, and the only source
   * once streams are trimmed), or what the Redis streams still hold (`streams`).
   */
  from: { logs: ProducerLogs } | 'streams';
}

export interface RebuildResult {
  /** Events read from the streams (every type, whether discovery handles it or not). */
  replayed: number;
  /** Events that changed the projections. */
  applied: number;
  /** Entries that are not valid events, skipped as the live consumer would dead-letter them. */
  poison: number;
}

/**
 * Rebuilds every projection from scratch by replaying the producers' logs through the same
 * handlers as the live consumer, in ONE transaction: readers see the old tables until the
 * commit, never a half-built one.
 *
 * The inbox is locked first, then the projections. A live consumer always writes its inbox
 * row before touching a projection, so taking the locks in that order cannot deadlock with
 * it: it either finishes before the rebuild starts, or waits for the commit and then skips
 * every event the replay already applied (their inbox rows are back) and applies the rest.
 * Searches wait on the TRUNCATE lock meanwhile; a rebuild is an operator's repair, not routine.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildResult> {
  const byType = handlersByType(discoveryHandlers);
  const result: RebuildResult = { replayed: 0, applied: 0, poison: 0 };
  await options.dataSource.transaction(async (tx) => {
    await tx.query('LOCK TABLE inbox IN EXCLUSIVE MODE');
    await tx.query(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`);
    await tx.query('DELETE FROM inbox WHERE consumer = $1', [DISCOVERY_GROUP]);
    const apply = async (event: EventEnvelope) => {
      // types discovery does not consume, and versions it cannot read, change nothing live either
      const handlers = byType.get(`${event.type}@${event.version}`);
      if (handlers && (await applyInTransaction(tx, DISCOVERY_GROUP, event, handlers))) result.applied += 1;
    };
    const poison = (id: string, reason: string) => {
      result.poison += 1;
      options.log.warn({ id, reason }, 'rebuild skipped an entry that is not a valid event');
    };
    result.replayed = options.from === 'streams'
      ? await replayHistory(options.redis, options.prefix, DISCOVERY_PRODUCERS, apply, poison)
      : await replayLogs(options.from.logs, DISCOVERY_PRODUCERS, apply, poison);
  });
  await options.cache?.invalidate(['docs', 'activity']);
  options.log.info(result, 'discovery projections rebuilt');
  return result;
}

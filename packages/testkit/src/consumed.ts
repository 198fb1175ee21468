import { streamOf, type Producer } from '@wavegraph/events';
import type Redis from 'ioredis';
import { eventually } from './eventually';

function toRecord(fields: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[String(fields[i])] = fields[i + 1];
  return record;
}

/** Waits until consumer `group` has read and acknowledged everything on the producers' streams. */
export async function consumed(redis: Redis, prefix: string, group: string, producers: readonly Producer[], timeoutMs = 30_000): Promise<void> {
  await eventually(async () => {
    for (const producer of producers) {
      const stream = streamOf(prefix, producer);
      const last = ((await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]?.[0];
      if (last === undefined) continue;
      const groups = ((await redis.xinfo('GROUPS', stream)) as unknown[][]).map(toRecord);
      const state = groups.find((g) => g.name === group);
      if (!state || state['last-delivered-id'] !== last || Number(state.pending) !== 0) throw new Error(`${producer} not consumed by ${group} yet`);
    }
  }, timeoutMs);
}

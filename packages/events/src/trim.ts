import type { Redis } from '@wavegraph/kit';

type StreamId = [ms: bigint, seq: bigint];

const parseId = (id: string): StreamId => {
  const [ms, seq = '0'] = id.split('-');
  return [BigInt(ms), BigInt(seq)];
};
const lessThan = (a: StreamId, b: StreamId): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
const format = ([ms, seq]: StreamId): string => `${ms}-${seq}`;

/** XINFO GROUPS replies flat field lists per group. */
const fieldsOf = (flat: unknown[]): Map<string, unknown> => {
  const record = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) record.set(String(flat[i]), flat[i + 1]);
  return record;
};

/**
 * Trims a stream to what is still needed: an entry goes once every group has acknowledged it
 * (it is below each group's last delivered id and none holds it pending) and it is older than
 * `retentionMs`. Consumers that lost entries, or contexts that start later, read them from the
 * producers' durable logs. `groups` limits the check to those groups (a group's own retry stream).
 * Returns how many entries were removed.
 */
export async function trimAcknowledged(redis: Redis, stream: string, retentionMs: number, now = Date.now(), groups?: readonly string[]): Promise<number> {
  let infos: unknown[][];
  try {
    infos = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  } catch (error) {
    if (/no such key/i.test(String((error as Error).message))) return 0;
    throw error;
  }
  let bound: StreamId = [BigInt(Math.max(0, Math.floor(now - retentionMs))), 0n];
  for (const info of infos) {
    const fields = fieldsOf(info);
    const name = String(fields.get('name'));
    if (groups && !groups.includes(name)) continue;
    const pending = (await redis.xpending(stream, name)) as [number, string | null, string | null, unknown];
    // everything up to the last delivered id is acknowledged unless some of it is pending
    const delivered = parseId(String(fields.get('last-delivered-id') ?? '0-0'));
    const needed: StreamId = pending[0] > 0 && pending[1] ? parseId(pending[1]) : [delivered[0], delivered[1] + 1n];
    if (lessThan(needed, bound)) bound = needed;
  }
  return Number(await redis.xtrim(stream, 'MINID', format(bound)));
}

import type Redis from 'ioredis';
import { fieldsToRecord } from './envelope';
import { deadLetterStreamOf, retryStreamOf } from './streams';

export interface DeadLetter {
  /** Id of the dead letter itself (what `replay` takes). */
  id: string;
  source: string;
  sourceId: string;
  reason: string;
  deliveries: number;
  failedAt: string;
  type: string;
  event: string;
}

const ORIGINAL_FIELDS = ['type', 'event'] as const;

export async function listDeadLetters(redis: Redis, prefix: string, group: string, count = 100): Promise<DeadLetter[]> {
  const entries = (await redis.xrange(deadLetterStreamOf(prefix, group), '-', '+', 'COUNT', count)) as [string, string[]][];
  return entries.map(([id, fields]) => {
    const f = fieldsToRecord(fields);
    return {
      id,
      source: f.source ?? '',
      sourceId: f.sourceId ?? '',
      reason: f.reason ?? '',
      deliveries: Number(f.deliveries ?? 0),
      failedAt: f.failedAt ?? '',
      type: f.type ?? '',
      event: f.event ?? '',
    };
  });
}

/**
 * Sends dead letters back to their group (and only to it) through the group's retry stream,
 * removing them from the dead-letter stream in the same MULTI. Returns the ids replayed.
 */
export async function replayDeadLetters(redis: Redis, prefix: string, group: string, ids: 'all' | string[]): Promise<string[]> {
  const letters = await listDeadLetters(redis, prefix, group, 100_000);
  const chosen = ids === 'all' ? letters : letters.filter((letter) => ids.includes(letter.id));
  const dead = deadLetterStreamOf(prefix, group);
  for (const letter of chosen) {
    const original = ORIGINAL_FIELDS.flatMap((name) => (letter[name] ? [name, letter[name]] : []));
    await redis.multi().xadd(retryStreamOf(prefix, group), '*', ...(original.length ? original : ['type', ''])).xdel(dead, letter.id).exec();
  }
  return chosen.map((letter) => letter.id);
}

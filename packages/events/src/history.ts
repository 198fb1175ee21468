import type Redis from 'ioredis';
import type { Producer } from './contract';
import { decodeEnvelope, PoisonMessage, type EventEnvelope } from './envelope';
import { streamOf } from './streams';

type Entry = [id: string, fields: string[]];

const compareIds = (a: string, b: string): number => {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
};

/**
 * Every event ever published by `producers`, oldest first (streams merged by entry id, which
 * is the time Redis received it), for rebuilding a projection from scratch. Entries that are
 * not valid events are passed to `onPoison` and skipped, as the live consumer would.
 */
export async function replayHistory(
  redis: Redis,
  prefix: string,
  producers: readonly Producer[],
  onEvent: (event: EventEnvelope) => Promise<void>,
  onPoison: (id: string, reason: string) => void = () => undefined,
  pageSize = 500,
): Promise<number> {
  const cursors = producers.map((p) => ({ stream: streamOf(prefix, p), after: '-', buffer: [] as Entry[], done: false }));
  const refill = async (cursor: (typeof cursors)[number]) => {
    if (cursor.buffer.length || cursor.done) return;
    const start = cursor.after === '-' ? '-' : `(${cursor.after}`;
    const page = (await redis.xrange(cursor.stream, start, '+', 'COUNT', pageSize)) as Entry[];
    cursor.buffer = page;
    if (page.length < pageSize) cursor.done = true;
    if (page.length) cursor.after = page[page.length - 1][0];
  };
  let replayed = 0;
  for (;;) {
    await Promise.all(cursors.map(refill));
    const next = cursors.filter((c) => c.buffer.length).sort((a, b) => compareIds(a.buffer[0][0], b.buffer[0][0]))[0];
    if (!next) return replayed;
    const [id, fields] = next.buffer.shift() as Entry;
    try {
      await onEvent(decodeEnvelope(fields));
      replayed += 1;
    } catch (error) {
      if (!(error instanceof PoisonMessage)) throw error;
      onPoison(id, error.message);
    }
  }
}

/** Everything on one producer's stream, decoded (for tools and tests; streams are not trimmed). */
export async function readEvents(redis: Redis, prefix: string, producer: Producer): Promise<EventEnvelope[]> {
  const entries = (await redis.xrange(streamOf(prefix, producer), '-', '+')) as Entry[];
  return entries.map(([, fields]) => decodeEnvelope(fields));
}

import type Redis from 'ioredis';
import type { Producer } from './contract';
import { checkEnvelope, decodeEnvelope, PoisonMessage, type EventEnvelope } from './envelope';
import type { LoggedEvent } from './log';
import type { ProducerLogs } from './log-client';
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

/**
 * Every event the producers' durable logs hold, merged by the time each reached the transport
 * (as the streams order them), for rebuilding a projection from scratch without Redis holding
 * the history. Each producer serves its own log; pages are fetched ahead while events are applied.
 */
export async function replayLogs(
  logs: ProducerLogs,
  producers: readonly Producer[],
  onEvent: (event: EventEnvelope) => Promise<void>,
  onPoison: (id: string, reason: string) => void = () => undefined,
  pageSize = 2_000,
): Promise<number> {
  interface Cursor { producer: Producer; after: number; buffer: LoggedEvent[]; at: number; done: boolean; next?: Promise<LoggedEvent[]> }
  const fetchPage = (cursor: Cursor) => logs.page(cursor.producer, cursor.after, pageSize).then((page) => page.events);
  const cursors: Cursor[] = producers.map((producer) => ({ producer, after: 0, buffer: [], at: 0, done: false }));
  const refill = async (cursor: Cursor) => {
    if (cursor.at < cursor.buffer.length || cursor.done) return;
    cursor.buffer = await (cursor.next ?? fetchPage(cursor));
    cursor.at = 0;
    cursor.next = undefined;
    if (cursor.buffer.length < pageSize) cursor.done = true;
    if (cursor.buffer.length) cursor.after = cursor.buffer[cursor.buffer.length - 1].seq;
    // the next page is on its way while this one is applied
    if (!cursor.done) cursor.next = fetchPage(cursor);
  };
  let replayed = 0;
  for (;;) {
    await Promise.all(cursors.map(refill));
    let next: Cursor | undefined;
    for (const cursor of cursors) {
      if (cursor.at >= cursor.buffer.length) continue;
      if (!next || cursor.buffer[cursor.at].publishedAt < next.buffer[next.at].publishedAt) next = cursor;
    }
    if (!next) return replayed;
    const { publishedAt: _sent, ...raw } = next.buffer[next.at++];
    try {
      await onEvent(checkEnvelope(raw));
      replayed += 1;
    } catch (error) {
      if (!(error instanceof PoisonMessage)) throw error;
      onPoison(`${next.producer}#${raw.seq}`, error.message);
    }
  }
}

/** What one producer's stream still holds, decoded (for tools and tests; streams are trimmed once acknowledged). */
export async function readEvents(redis: Redis, prefix: string, producer: Producer): Promise<EventEnvelope[]> {
  const entries = (await redis.xrange(streamOf(prefix, producer), '-', '+')) as Entry[];
  return entries.map(([, fields]) => decodeEnvelope(fields));
}

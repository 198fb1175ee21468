import type { Logger } from 'pino';
import type { Redis } from '@wavegraph/redis';
import type { EntityCache } from './entity-cache';
import { PURGING_PRODUCERS, tagsOfEvent } from './purge-events';

/** Redis key of a producer's event stream: `streamOf` in @wavegraph/events (the gateway reads streams, it does not depend on the contracts). */
export const eventStreamOf = (prefix: string, producer: string): string => `${prefix}:events:${producer}`;

/** Most entries read from the streams per call. */
const BATCH = 500;
const BLOCK_MS = 1_000;
const RETRY_MS = 1_000;
/** How long start() waits for the streams before the gateway serves without the cache (it joins once Redis answers). */
const START_WAIT_MS = 2_000;

/** The stream entries' `event` field (entries are `type, <type@version>, event, <envelope JSON>`). */
function eventFieldOf(fields: string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'event') return fields[i + 1];
  return undefined;
}

type XReadReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Purges the entity cache from the domain event streams: every gateway instance reads every
 * event (plain XREAD from the streams' ends when it starts, no consumer group), so each drops
 * its own memory level, and each deletes the Redis level too (the same DEL from every instance
 * costs little and needs no coordination). The cache is used only while the streams are
 * followed: when reading fails (Redis away) events may be missed, so the cache is switched off
 * and emptied until reading works again.
 */
export class PurgeListener {
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly reader: Pick<Redis, 'xread' | 'xrevrange' | 'disconnect'>,
    private readonly cache: EntityCache,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** Starts following; resolves once the cache is live, or after START_WAIT_MS without Redis (it goes live later). */
  async start(): Promise<void> {
    const streams = PURGING_PRODUCERS.map((producer) => eventStreamOf(this.prefix, producer));
    let live: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (live = resolve));
    this.loop = this.run(streams, live);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
    await Promise.race([ready, waited]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cache.setFollowing(false);
    // a blocked XREAD returns when its connection closes
    this.reader.disconnect();
    await this.loop;
  }

  /** The id of each stream's newest entry ('0-0' for a stream not written yet), so no event after it is missed. */
  private async ends(streams: string[]): Promise<string[]> {
    return Promise.all(streams.map(async (stream) => (await this.reader.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0'));
  }

  private async run(streams: string[], live: () => void): Promise<void> {
    let positions: string[] | undefined;
    while (!this.stopped) {
      let reply: XReadReply;
      try {
        if (!positions) {
          positions = await this.ends(streams);
          // every event from here on is read: the cache may serve and store
          this.cache.setFollowing(true);
          live();
        }
        reply = (await this.reader.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams, ...positions)) as XReadReply;
      } catch (error) {
        if (this.stopped) return;
        if (this.cache.live) this.log.warn({ err: error }, 'entity cache: cannot read the event streams; off until it can');
        this.cache.setFollowing(false);
        await pause(RETRY_MS);
        continue;
      }
      for (const [stream, entries] of reply ?? []) {
        const index = streams.indexOf(stream);
        const tags = entries.flatMap(([, fields]) => tagsOfEvent(eventFieldOf(fields)));
        if (entries.length > 0) positions[index] = entries[entries.length - 1][0];
        if (tags.length === 0) continue;
        try {
          await this.cache.purge([...new Set(tags)]);
        } catch (error) {
          // this instance dropped its own copies; every instance that read the event refuses the Redis ones by its purge records
          this.log.warn({ err: error, tags: tags.length }, 'entity cache: purge in Redis failed');
        }
      }
      // back after a failure: emptied then, nothing it holds predates the events read since
      if (!this.cache.live) this.cache.setFollowing(true);
    }
  }
}

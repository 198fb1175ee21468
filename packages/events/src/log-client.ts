import type { Redis } from '@wavegraph/kit';
import type { Producer } from './contract';
import { EVENT_LOG_PATH, signLogRequest, type LogPage } from './log';
import { logRegistryKey } from './streams';

export interface ProducerLogsOptions {
  /** Where producers advertise their log's address (any command connection). */
  redis: Redis;
  prefix: string;
  /** The key Wavegraph processes sign internal requests with. */
  secret: string;
  /**
   * Fixed addresses (e.g. `http://catalog:4002`), by producer; otherwise `EVENTS_LOG_<PRODUCER>_URL`,
   * otherwise the address the producer advertises in Redis.
   */
  urls?: Partial<Record<Producer, string>>;
  /** Each request's bound. Default 10 s. */
  timeoutMs?: number;
}

/** Reads producers' logs over HTTP, wherever they run. */
export class ProducerLogs {
  private readonly known = new Map<string, string>();

  constructor(private readonly options: ProducerLogsOptions) {}

  private async baseUrl(producer: Producer): Promise<string> {
    const fixed = this.options.urls?.[producer] ?? process.env[`EVENTS_LOG_${producer.toUpperCase()}_URL`];
    if (fixed) return fixed.replace(/\/+$/, '');
    const cached = this.known.get(producer);
    if (cached) return cached;
    const advertised = await this.options.redis.get(logRegistryKey(this.options.prefix, producer));
    if (!advertised) throw new Error(`${producer} has not advertised its event log (is it running?)`);
    this.known.set(producer, advertised);
    return advertised;
  }

  /** Events numbered above `after`, with the log's head and tail. */
  async page(producer: Producer, after: number, limit: number): Promise<LogPage> {
    const base = await this.baseUrl(producer);
    const pathAndQuery = `${EVENT_LOG_PATH}?after=${after}&limit=${limit}`;
    try {
      const response = await fetch(base + pathAndQuery, {
        headers: signLogRequest(this.options.secret, pathAndQuery),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`${producer}'s event log answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      return (await response.json()) as LogPage;
    } catch (error) {
      // the address may be stale (a replica that went away): look it up again next time
      this.known.delete(producer);
      throw error;
    }
  }

  /** Every event of `producer` above `after`, page by page, oldest first. */
  async *events(producer: Producer, after = 0, pageSize = 1_000): AsyncGenerator<LogPage['events'][number]> {
    let cursor = after;
    for (;;) {
      const page = await this.page(producer, cursor, pageSize);
      for (const event of page.events) yield event;
      if (!page.events.length || cursor >= page.head) return;
      cursor = page.events[page.events.length - 1].seq;
      if (cursor >= page.head) return;
    }
  }
}

/** Makes this replica's log findable: refreshed well within its expiry, so a Redis that lost it learns it again. */
export async function advertiseLog(redis: Redis, prefix: string, producer: Producer, baseUrl: string, ttlSeconds = 60): Promise<void> {
  await redis.set(logRegistryKey(prefix, producer), baseUrl, 'EX', ttlSeconds);
}

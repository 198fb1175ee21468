import type { Redis } from '@wavegraph/redis';
import type { CachedEntity } from './memory-tier';
import type { EntityTag } from './keys';

/**
 * The second level, shared by every gateway instance: one Redis hash per entity (so a purge is
 * one DEL whatever was cached of it), one field per selection and representation, each value
 * with its own expiry; the hash itself lives as long as its longest-lived field. Commands go out
 * on the gateway's connection, auto-pipelined with everything else issued in the same turn.
 */
export class RedisTier {
  constructor(
    private readonly redis: Pick<Redis, 'hget' | 'hset' | 'pexpire' | 'del'>,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private keyOf(tag: EntityTag): string {
    return `${this.prefix}:entity-cache:${tag}`;
  }

  /**
   * The cached values (with their remaining lifetime) of each (tag, key), undefined where none is;
   * every value undefined when Redis does not answer in time: the subgraph answers instead.
   */
  async getMany(items: readonly { tag: EntityTag; key: string }[]): Promise<({ entity: CachedEntity; ttlMs: number } | undefined)[]> {
    if (items.length === 0) return [];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.timeoutMs);
    });
    const reads = Promise.all(items.map(({ tag, key }) => this.redis.hget(this.keyOf(tag), key))).catch(() => null);
    const raw = await Promise.race([reads, timeout]).finally(() => clearTimeout(timer));
    if (!raw) return items.map(() => undefined);
    const now = this.now();
    return raw.map((text) => {
      if (!text) return undefined;
      // `<expiresAt>\n<fetchedAt>\n<json>`: the value is read without parsing it here
      const first = text.indexOf('\n');
      const second = text.indexOf('\n', first + 1);
      if (first < 0 || second < 0) return undefined;
      const expiresAt = Number(text.slice(0, first));
      const fetchedAt = Number(text.slice(first + 1, second));
      if (!(expiresAt > now) || !Number.isFinite(fetchedAt)) return undefined;
      return { entity: { fetchedAt, json: text.slice(second + 1) }, ttlMs: expiresAt - now };
    });
  }

  set(tag: EntityTag, key: string, entity: CachedEntity, ttlMs: number): void {
    const redisKey = this.keyOf(tag);
    const value = `${this.now() + ttlMs}\n${entity.fetchedAt}\n${entity.json}`;
    // a write Redis cannot take only costs a later miss
    const ignore = () => undefined;
    this.redis.hset(redisKey, key, value).catch(ignore);
    // the hash lives as long as its longest-lived field: NX sets a first expiry, GT only lengthens it
    this.redis.pexpire(redisKey, ttlMs, 'NX').catch(ignore);
    this.redis.pexpire(redisKey, ttlMs, 'GT').catch(ignore);
  }

  async purge(tags: readonly EntityTag[]): Promise<void> {
    if (tags.length > 0) await this.redis.del(...tags.map((tag) => this.keyOf(tag)));
  }
}

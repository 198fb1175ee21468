import { LRUCache } from 'lru-cache';
import type { EntityTag } from './keys';

/** A cached entity answer: its JSON text (each hit parses its own copy) and when the fetch that produced it started. */
export interface CachedEntity {
  json: string;
  /** Wall-clock ms at which the fetch that produced the value was sent; a purge at or after it outdates the value. */
  fetchedAt: number;
}

interface Slot extends CachedEntity {
  tag: EntityTag;
}

/**
 * The first level: a bounded LRU per gateway instance, each entry with its own TTL (the
 * subgraph's maxAge), indexed by entity so a purge drops every selection cached for it.
 */
export class MemoryTier {
  private readonly entries: LRUCache<string, Slot>;
  private readonly byTag = new Map<EntityTag, Set<string>>();

  constructor(maxEntries: number) {
    this.entries = new LRUCache<string, Slot>({
      max: maxEntries,
      // entries are dropped from the index however they go: evicted, expired, purged or replaced
      dispose: (slot, key) => this.unindex(slot.tag, key),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(tag: EntityTag, key: string): CachedEntity | undefined {
    return this.entries.get(`${tag}\n${key}`);
  }

  set(tag: EntityTag, key: string, entity: CachedEntity, ttlMs: number): void {
    if (ttlMs <= 0) return;
    const slotKey = `${tag}\n${key}`;
    this.entries.set(slotKey, { ...entity, tag }, { ttl: ttlMs });
    let keys = this.byTag.get(tag);
    if (!keys) this.byTag.set(tag, (keys = new Set()));
    keys.add(slotKey);
  }

  /** Drops every entry of the entity. */
  purge(tag: EntityTag): void {
    const keys = this.byTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) this.entries.delete(key);
    this.byTag.delete(tag);
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
  }

  private unindex(tag: EntityTag, key: string): void {
    const keys = this.byTag.get(tag);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byTag.delete(tag);
  }
}

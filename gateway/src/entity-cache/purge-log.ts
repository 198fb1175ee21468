import { LRUCache } from 'lru-cache';
import type { EntityTag } from './keys';

interface Purge {
  /** This instance's purge counter when the purge was applied: exact for fetches started here. */
  sequence: number;
  /** Wall-clock ms of the purge: compared with the fetch time another instance stored with a value. */
  at: number;
}

/**
 * The purges an instance has applied, so a value fetched before a purge is never stored or
 * served after it: a fetch that started before its entity was purged and completes after
 * (the race between a read and the event of a write) would otherwise cache what the event
 * just outdated. Bounded: once a record is evicted, its entity is judged by the newest
 * evicted record, which refuses more than needed, never less.
 */
export class PurgeLog {
  private sequence = 0;
  private floor: Purge = { sequence: 0, at: 0 };
  private readonly purges: LRUCache<EntityTag, Purge>;

  constructor(maxRecords: number, private readonly now: () => number = Date.now) {
    this.purges = new LRUCache<EntityTag, Purge>({
      max: maxRecords,
      dispose: (purge, _tag, reason) => {
        if (reason !== 'evict') return;
        this.floor = { sequence: Math.max(this.floor.sequence, purge.sequence), at: Math.max(this.floor.at, purge.at) };
      },
    });
  }

  /** Taken when a fetch starts; `purgedSince` compares with it when the fetch completes. */
  mark(): number {
    return this.sequence;
  }

  record(tag: EntityTag): void {
    this.sequence += 1;
    this.purges.set(tag, { sequence: this.sequence, at: this.now() });
  }

  /** Every entity purged at once (events may have been missed): values fetched before now are refused. */
  recordAll(): void {
    this.sequence += 1;
    this.purges.clear();
    this.floor = { sequence: this.sequence, at: this.now() };
  }

  /** Whether the entity was purged after `mark` was taken. */
  purgedSince(tag: EntityTag, mark: number): boolean {
    return (this.purges.get(tag) ?? this.floor).sequence > mark;
  }

  /** Whether the entity was purged at or after `fetchedAt` (wall-clock ms, possibly another instance's). */
  purgedAfter(tag: EntityTag, fetchedAt: number): boolean {
    return (this.purges.get(tag) ?? this.floor).at >= fetchedAt;
  }
}

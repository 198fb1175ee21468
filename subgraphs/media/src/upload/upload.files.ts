import type { Logger } from '@wavegraph/kit';
import type { DataStore, Locker } from '@tus/server';
import { Upload as TusUpload } from '@tus/server';
import type { Received, UploadHashes } from './upload.hashes';

/**
 * The staged bytes of uploads in the tus datastore. Every change to them takes the same lock as
 * the tus handlers, so a file is never removed under a PATCH that is writing it (the PATCH is
 * asked to stop first, which is how tus hands a lock over).
 */
export class UploadFiles {
  constructor(
    readonly store: DataStore,
    readonly locker: Locker,
    private readonly log: Logger,
    private readonly hashes?: UploadHashes,
  ) {
    hashes?.attach(store);
  }

  /**
   * Size and sha-256 of the first `size` staged bytes when this replica hashed them as they
   * arrived, else null (the caller reads the file). Asked once, by the finish.
   */
  received(id: string, size: number): Received | null {
    return this.hashes?.take(id, size) ?? null;
  }

  /** Creates the empty upload, so its URL accepts HEAD and PATCH at once (tus creation done server-side). */
  async create(id: string, size: number, metadata: Record<string, string>, createdAt: Date): Promise<void> {
    await this.store.create(new TusUpload({ id, size, offset: 0, metadata, creation_date: createdAt.toISOString() }));
  }

  /**
   * Runs `work` holding the upload's lock (on every replica). Requests that want the lock meanwhile
   * wait: what runs here is short (a removal) or must not be interrupted (a finish).
   */
  async withLock<T>(id: string, work: () => Promise<T>): Promise<T> {
    const lock = this.locker.newLock(id);
    await lock.lock(new AbortController().signal, () => undefined);
    try {
      return await work();
    } finally {
      await lock.unlock();
    }
  }

  /** Removes staged uploads; one already gone is fine (cleanup and a finish may both get there). */
  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      try {
        await this.withLock(id, () => this.removeUnlocked(id));
      } catch (error) {
        this.log.warn({ err: error, uploadId: id }, 'could not lock an upload to remove it; removing anyway');
        await this.removeUnlocked(id);
      }
    }
  }

  /** For code that already holds the upload's lock. */
  async removeUnlocked(id: string): Promise<void> {
    this.hashes?.forget(id);
    try {
      await this.store.remove(id);
    } catch {
      // not there (any more): nothing to free
    }
  }
}

import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { ERRORS } from '@tus/server';

/** Bytes of a PATCH buffered on their way to the staged file (4 MiB: a few socket reads per write). */
export const STAGING_WRITE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * tus's file store, writing a PATCH's bytes with a large buffer. The library's own write streams
 * them through a 16 KiB write stream (and a counting transform): each 64 KiB socket read then
 * waits for its own write(2) before the next is read. With room for a few reads, reading the
 * socket and writing the file overlap, and queued chunks go down in one writev(2).
 */
export class StagingFileStore extends FileStore {
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const file = path.join(this.directory, id);
    // ids are uuids checked before tus runs; still, never a path outside the store
    if (path.dirname(path.resolve(file)) !== path.resolve(this.directory)) throw ERRORS.FILE_NOT_FOUND;
    const staged = createWriteStream(file, { flags: 'r+', start: offset, highWaterMark: STAGING_WRITE_BUFFER_BYTES });
    try {
      await pipeline(readable, staged);
    } catch {
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + staged.bytesWritten;
  }
}

import type { Readable } from 'node:stream';

export interface PutFileOptions {
  /**
   * The local file will never be written again, only removed (default false: it may change, so
   * its bytes are copied). The filesystem adapter then hard-links it into place, which copies
   * nothing, and copies only when it cannot (another filesystem: EXDEV, or no hard links there).
   */
  linkable?: boolean;
}

/** Where media bytes live. Business code sees keys (`assets/<id>/hls/master.m3u8`), never paths or buckets. */
export interface MediaStorage {
  /** Which adapter this is, for logs and /ready only. */
  readonly kind: 'filesystem' | 's3';
  /**
   * Stores a whole object. It becomes visible under `key` only once completely written
   * (temporary name, then commit), so a crash never leaves a partial object at `key`.
   */
  put(key: string, body: Readable | Buffer, contentType?: string): Promise<void>;
  /** Stores a local file under `key`, with the same all-or-nothing guarantee. */
  putFile(key: string, path: string, contentType?: string, options?: PutFileOptions): Promise<void>;
  /** Size and content type, or null when there is no such object. */
  stat(key: string): Promise<{ size: number; contentType?: string } | null>;
  /** Reads an object, or the inclusive byte range [start, end] of it. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Copies an object to a local file (ffmpeg reads files), returning its path under `dir`. */
  download(key: string, dir: string): Promise<string>;
  /** Deletes every object whose key starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Keys under `prefix` (tests and cleanup). */
  list(prefix: string): Promise<string[]>;
}

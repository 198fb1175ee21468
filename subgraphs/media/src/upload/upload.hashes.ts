import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { DataStore } from '@tus/server';

/** Reads the first `bytes` staged bytes of an upload, or null when the store cannot (S3 keeps parts remotely). */
export type StagedReader = (id: string, bytes: number) => Readable | null;

/** What a finish needs to know of the bytes received. */
export interface Received {
  size: number;
  sha256: string;
}

/** How many uploads in progress a replica keeps hashing state for (default 10 000; about 0.5 KB each). */
export const DEFAULT_MAX_HASH_STATES = 10_000;

interface HashState {
  hash: Hash;
  /** How many bytes the hash has seen: the upload's offset when they were written. */
  offset: number;
}

/**
 * The sha-256 of each upload, computed while its bytes arrive, so finishing an upload does not
 * read the whole file again.
 *
 * node's crypto Hash (OpenSSL, SHA-NI where the CPU has it) cannot be serialized, so the state
 * lives in memory on the replica that holds the upload's lock while a PATCH writes. That is the
 * common case (one client, one replica, PATCH after PATCH); when the state is missing or behind
 * (the previous PATCH went to another replica, a restart, a PATCH that failed half-way) the next
 * PATCH first hashes the bytes already staged and carries on from there, and a finish without a
 * complete state re-reads the file as before. A library that serializes sha-256 state (hash-wasm)
 * would let replicas share it through Redis, but hashes several times slower in WebAssembly than
 * OpenSSL, on every byte of every upload, to save a re-read only when an upload changes replicas.
 */
export class UploadHashes {
  private readonly states = new Map<string, HashState>();

  constructor(
    private readonly readStaged: StagedReader,
    private readonly maxStates = DEFAULT_MAX_HASH_STATES,
  ) {}

  /** Makes every write of `store` (tus calls it with the upload's lock held) hash the bytes as they pass. */
  attach(store: DataStore): void {
    const write = store.write.bind(store);
    store.write = async (readable, id, offset) => {
      const hash = await this.resume(id, offset);
      if (!hash) return write(readable, id, offset);
      let seen = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          seen += chunk.length;
          done(null, chunk);
        },
      });
      // pipeline forwards an error of the request body to the store's write, which then rejects
      const written = await write(pipeline(readable, hashing, () => undefined), id, offset);
      // a write that stored other bytes than those hashed leaves no state: the next one catches up
      if (written === offset + seen) this.keep(id, { hash, offset: written });
      return written;
    };
  }

  /**
   * Size and sha-256 of the first `size` bytes of upload `id` when this replica hashed exactly
   * those, or null (the finish then reads the file). The state is used up either way.
   */
  take(id: string, size: number): Received | null {
    const state = this.states.get(id);
    this.states.delete(id);
    return state && state.offset === size ? { size, sha256: state.hash.digest('hex') } : null;
  }

  /** The upload is gone (finished, rejected, expired, terminated). */
  forget(id: string): void {
    this.states.delete(id);
  }

  /** The hash to continue at `offset`: this replica's own state, or one rebuilt from the staged bytes. */
  private async resume(id: string, offset: number): Promise<Hash | null> {
    const state = this.states.get(id);
    // taken while this write runs: if it fails half-way, no state claims bytes it may not have seen
    this.states.delete(id);
    if (state && state.offset === offset) return state.hash;
    const hash = createHash('sha256');
    if (offset === 0) return hash;
    try {
      const staged = this.readStaged(id, offset);
      if (!staged) return null;
      let read = 0;
      for await (const chunk of staged) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).length;
      }
      return read === offset ? hash : null;
    } catch {
      // unreadable here: this PATCH is stored unhashed, and the finish reads the file
      return null;
    }
  }

  private keep(id: string, state: HashState): void {
    this.states.set(id, state);
    // abandoned uploads on this replica are forgotten oldest first (a finish then reads the file)
    if (this.states.size > this.maxStates) this.states.delete(this.states.keys().next().value as string);
  }
}

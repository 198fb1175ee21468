import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { StagingFileStore } from '../storage/staging.file-store';
import { Upload as TusUpload } from '@tus/server';
import { UploadHashes, type StagedReader } from './upload.hashes';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A request body as tus hands it to the store: many small chunks. */
const body = (data: Buffer): Readable =>
  Readable.from((function* () {
    for (let at = 0; at < data.length; at += 16 * 1024) yield data.subarray(at, at + 16 * 1024);
  })());

/** A body whose connection drops after `bytes`. */
const dropping = (data: Buffer, bytes: number): Readable =>
  Readable.from((async function* () {
    yield data.subarray(0, bytes);
    throw new Error('connection reset (test)');
  })());

describe('sha-256 of uploads while their bytes arrive', () => {
  let dir: string;
  const readStaged: StagedReader = (id, bytes) => createReadStream(path.join(dir, id), { start: 0, end: bytes - 1 });
  /** A replica's view of the staged uploads: media's tus file store, its writes hashed. */
  const replica = (reader: StagedReader = readStaged) => {
    const store = new StagingFileStore({ directory: dir });
    const hashes = new UploadHashes(reader);
    hashes.attach(store);
    return { store, hashes };
  };
  const newUpload = async (store: StagingFileStore, size: number): Promise<string> => {
    const id = randomUUID();
    await store.create(new TusUpload({ id, size, offset: 0 }));
    return id;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'media-hashes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('equals the sha-256 of the stored file after several PATCHes', async () => {
    const { store, hashes } = replica();
    const data = randomBytes(700 * 1024 + 13);
    const id = await newUpload(store, data.length);

    let offset = 0;
    for (const end of [100_000, 100_001, 450_000, data.length]) offset = await store.write(body(data.subarray(offset, end)), id, offset);

    expect(offset).toBe(data.length);
    expect(await readFile(path.join(dir, id))).toEqual(data);
    expect(hashes.take(id, data.length)).toEqual({ size: data.length, sha256: sha256(data) });
    // used up by the finish
    expect(hashes.take(id, data.length)).toBeNull();
  });

  it('carries on from the staged bytes on a replica that did not see the first PATCHes (or restarted)', async () => {
    const data = randomBytes(300 * 1024);
    const before = replica();
    const id = await newUpload(before.store, data.length);
    const half = await before.store.write(body(data.subarray(0, 150 * 1024)), id, 0);

    // the state of `before` is lost (another replica takes the next PATCH, or this one restarted)
    const after = replica();
    const end = await after.store.write(body(data.subarray(half)), id, half);

    expect(end).toBe(data.length);
    expect(after.hashes.take(id, data.length)).toEqual({ size: data.length, sha256: sha256(data) });
    // the first replica's state is behind the file: it never claims the whole upload
    expect(before.hashes.take(id, data.length)).toBeNull();
  });

  it('catches up after a PATCH that dropped half-way, hashing only what was stored', async () => {
    const { store, hashes } = replica();
    const data = randomBytes(200 * 1024);
    const id = await newUpload(store, data.length);
    const first = await store.write(body(data.subarray(0, 50 * 1024)), id, 0);

    await expect(store.write(dropping(data.subarray(first), 30 * 1024), id, first)).rejects.toBeDefined();
    // the store keeps what reached the disk; the client resumes from there
    const staged = (await store.getUpload(id)).offset ?? 0;
    expect(staged).toBeGreaterThanOrEqual(first);
    const end = await store.write(body(data.subarray(staged)), id, staged);

    expect(end).toBe(data.length);
    expect(hashes.take(id, data.length)).toEqual({ size: data.length, sha256: sha256(data) });
  });

  it('gives nothing when the staged bytes cannot be read back, so the finish reads the file', async () => {
    const data = randomBytes(64 * 1024);
    const first = replica();
    const id = await newUpload(first.store, data.length);
    await first.store.write(body(data.subarray(0, 1000)), id, 0);

    const remote = replica(() => null);
    await remote.store.write(body(data.subarray(1000)), id, 1000);

    expect(remote.hashes.take(id, data.length)).toBeNull();
    expect(await readFile(path.join(dir, id))).toEqual(data);
  });

  it('answers only for the size it hashed', async () => {
    const { store, hashes } = replica();
    const data = randomBytes(10_000);
    const id = await newUpload(store, data.length);
    await store.write(body(data.subarray(0, 4000)), id, 0);

    expect(hashes.take(id, data.length)).toBeNull();
  });

  it('forgets the oldest uploads beyond its bound', async () => {
    const store = new StagingFileStore({ directory: dir });
    const hashes = new UploadHashes(() => null, 2);
    hashes.attach(store);
    const data = randomBytes(100);
    const ids = [await newUpload(store, 100), await newUpload(store, 100), await newUpload(store, 100)];
    for (const id of ids) await store.write(body(data), id, 0);

    expect(ids.map((id) => hashes.take(id, 100)?.sha256 ?? null)).toEqual([null, sha256(data), sha256(data)]);
  });
});

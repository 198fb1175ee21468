import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { MediaStorage } from './storage.port';

export interface StorageUnderTest {
  storage: MediaStorage;
  cleanup(): Promise<void>;
}

/** Above S3's 5 MiB part minimum, so an S3 adapter with the smallest part size goes multipart. */
const MULTIPART_SIZE = 12 * 1024 * 1024;

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Hands out `data` in small chunks, as a network upload would, with no length known up front. */
function chunked(data: Buffer, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** Sends `bytesBeforeFailure` bytes, then fails like a client that went away mid-upload. */
function failingAfter(bytesBeforeFailure: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytesBeforeFailure) return void this.destroy(new Error('client went away'));
      const size = Math.min(64 * 1024, bytesBeforeFailure - sent);
      sent += size;
      this.push(randomBytes(size));
    },
  });
}

/**
 * The behaviour every MediaStorage adapter owes the rest of the media subgraph. Each test gets a fresh,
 * empty storage from `makeStorage`, so adapters can be swapped without business code noticing.
 */
export function describeStorageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`MediaStorage contract: ${name}`, () => {
    let subject: StorageUnderTest;
    let storage: MediaStorage;
    let workDir: string;

    beforeEach(async () => {
      subject = await makeStorage();
      storage = subject.storage;
      workDir = await mkdtemp(path.join(tmpdir(), 'storage-contract-'));
    });

    afterEach(async () => {
      await subject.cleanup();
      await rm(workDir, { recursive: true, force: true });
    });

    it('round-trips a Buffer, every byte value intact', async () => {
      const data = Buffer.from(Array.from({ length: 1024 }, (_, index) => index % 256));
      await storage.put('assets/a1/original.bin', data, 'application/octet-stream');

      expect(await readAll(await storage.read('assets/a1/original.bin'))).toEqual(data);
      expect(await storage.stat('assets/a1/original.bin')).toMatchObject({ size: data.length });
    });

    it('round-trips a stream of unknown length', async () => {
      const data = randomBytes(300 * 1024 + 17);
      await storage.put('assets/a1/stream.bin', chunked(data));

      expect(sha256(await readAll(await storage.read('assets/a1/stream.bin')))).toBe(sha256(data));
      expect(await storage.stat('assets/a1/stream.bin')).toMatchObject({ size: data.length });
    });

    it('round-trips a stream larger than one multipart part', async () => {
      const data = randomBytes(MULTIPART_SIZE + 1);
      await storage.put('assets/a1/large.bin', chunked(data));

      expect(await storage.stat('assets/a1/large.bin')).toMatchObject({ size: data.length });
      expect(sha256(await readAll(await storage.read('assets/a1/large.bin')))).toBe(sha256(data));
    });

    it('round-trips an empty object', async () => {
      await storage.put('assets/a1/empty', Buffer.alloc(0));

      expect(await storage.stat('assets/a1/empty')).toMatchObject({ size: 0 });
      expect(await readAll(await storage.read('assets/a1/empty'))).toEqual(Buffer.alloc(0));
    });

    it('keeps the content type when the adapter reports one', async () => {
      await storage.put('assets/a1/master.m3u8', Buffer.from('#EXTM3U\n'), 'application/vnd.apple.mpegurl');

      const info = await storage.stat('assets/a1/master.m3u8');
      // the filesystem adapter has nowhere to keep it; an adapter that reports it must report it right
      if (info?.contentType !== undefined) expect(info.contentType).toBe('application/vnd.apple.mpegurl');
    });

    it('stores a local file with putFile', async () => {
      const data = randomBytes(200 * 1024);
      const local = path.join(workDir, 'rendition.m4a');
      await writeFile(local, data);

      await storage.putFile('assets/a1/aac-128.m4a', local, 'audio/mp4');

      expect(await readAll(await storage.read('assets/a1/aac-128.m4a'))).toEqual(data);
    });

    it('stores a file larger than one multipart part with putFile', async () => {
      const data = randomBytes(MULTIPART_SIZE);
      const local = path.join(workDir, 'big.wav');
      await writeFile(local, data);

      await storage.putFile('assets/a1/big.wav', local);

      expect(await storage.stat('assets/a1/big.wav')).toMatchObject({ size: data.length });
      expect(sha256(await readAll(await storage.read('assets/a1/big.wav')))).toBe(sha256(data));
    });

    it('stores a linkable local file, which the caller then removes, with putFile', async () => {
      const data = randomBytes(300 * 1024);
      const local = path.join(workDir, 'staged-upload');
      await writeFile(local, data);

      await storage.putFile('assets/a1/source', local, 'audio/mpeg', { linkable: true });
      await rm(local);

      expect(await storage.stat('assets/a1/source')).toMatchObject({ size: data.length });
      expect(await readAll(await storage.read('assets/a1/source'))).toEqual(data);
    });

    it('rejects a linkable putFile of a missing local file and stores nothing', async () => {
      await expect(storage.putFile('assets/a1/source', path.join(workDir, 'nope'), undefined, { linkable: true })).rejects.toThrow();

      expect(await storage.stat('assets/a1/source')).toBeNull();
      expect(await storage.list('assets/')).toEqual([]);
    });

    it('rejects putFile of a missing local file and stores nothing', async () => {
      await expect(storage.putFile('assets/a1/missing.wav', path.join(workDir, 'nope.wav'))).rejects.toThrow();

      expect(await storage.stat('assets/a1/missing.wav')).toBeNull();
      expect(await storage.list('assets/')).toEqual([]);
    });

    it('answers stat with null, and read and download with an error, for a missing key', async () => {
      expect(await storage.stat('assets/nope/original.bin')).toBeNull();
      await expect(storage.read('assets/nope/original.bin')).rejects.toThrow();
      await expect(storage.download('assets/nope/original.bin', workDir)).rejects.toThrow();
      // no partial download is left behind for a caller to trip over
      expect(await readdir(workDir)).toEqual([]);
    });

    it('reads inclusive byte ranges, including the last byte', async () => {
      const data = Buffer.from('0123456789abcdef');
      await storage.put('assets/a1/ranged.bin', data);

      const range = async (start: number, end: number): Promise<string> =>
        (await readAll(await storage.read('assets/a1/ranged.bin', { start, end }))).toString();
      expect(await range(0, 0)).toBe('0');
      expect(await range(3, 7)).toBe('34567');
      expect(await range(15, 15)).toBe('f');
      expect(await range(10, 15)).toBe('abcdef');
      expect(await range(0, 15)).toBe(data.toString());
    });

    it('reads a range deep inside a large object', async () => {
      const data = randomBytes(MULTIPART_SIZE);
      await storage.put('assets/a1/seek.bin', chunked(data));

      const start = 6 * 1024 * 1024 - 3;
      const got = await readAll(await storage.read('assets/a1/seek.bin', { start, end: start + 9 }));
      expect(got).toEqual(data.subarray(start, start + 10));
      const last = await readAll(await storage.read('assets/a1/seek.bin', { start: data.length - 1, end: data.length - 1 }));
      expect(last).toEqual(data.subarray(data.length - 1));
    });

    it('downloads an object to a local file named after the key', async () => {
      const data = randomBytes(100 * 1024);
      await storage.put('assets/a1/original.mp3', data);

      const file = await storage.download('assets/a1/original.mp3', workDir);

      expect(path.dirname(file)).toBe(workDir);
      expect(path.basename(file)).toBe('original.mp3');
      expect(await readFile(file)).toEqual(data);
      expect(await readdir(workDir)).toEqual(['original.mp3']);
    });

    it('lists keys by prefix, sorted', async () => {
      for (const key of ['assets/a1/hls/seg-1.ts', 'assets/a1/original.bin', 'assets/a10/original.bin', 'assets/a2/original.bin']) {
        await storage.put(key, Buffer.from(key));
      }

      expect(await storage.list('assets/a1/')).toEqual(['assets/a1/hls/seg-1.ts', 'assets/a1/original.bin']);
      expect(await storage.list('assets/a1')).toEqual(['assets/a1/hls/seg-1.ts', 'assets/a1/original.bin', 'assets/a10/original.bin']);
      expect(await storage.list('assets/')).toHaveLength(4);
      expect(await storage.list('assets/none/')).toEqual([]);
    });

    it('shows no object while a put is still being written', async () => {
      await storage.put('assets/a1/other.bin', Buffer.from('x'));
      const body = new PassThrough();
      const writing = storage.put('assets/a1/slow.bin', body);
      body.write(randomBytes(128 * 1024));
      // let the adapter take the first chunk in (a temporary file, a buffered part)
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(await storage.stat('assets/a1/slow.bin')).toBeNull();
      expect(await storage.list('assets/')).toEqual(['assets/a1/other.bin']);

      body.end(Buffer.from('tail'));
      await writing;
      expect(await storage.list('assets/')).toEqual(['assets/a1/other.bin', 'assets/a1/slow.bin']);
      expect(await storage.stat('assets/a1/slow.bin')).toMatchObject({ size: 128 * 1024 + 4 });
    });

    it('deletes every object under a prefix and nothing else', async () => {
      const doomed = ['assets/a1/original.bin', 'assets/a1/hls/master.m3u8', 'assets/a1/hls/seg-1.ts'];
      for (const key of [...doomed, 'assets/a10/original.bin', 'assets/a2/original.bin']) await storage.put(key, Buffer.from(key));

      await storage.deletePrefix('assets/a1/');

      expect(await storage.list('assets/')).toEqual(['assets/a10/original.bin', 'assets/a2/original.bin']);
      for (const key of doomed) expect(await storage.stat(key)).toBeNull();
      // nothing left to delete is not an error
      await expect(storage.deletePrefix('assets/a1/')).resolves.toBeUndefined();
    });

    it('replaces the whole object on overwrite', async () => {
      await storage.put('assets/a1/peaks.json', Buffer.from('a much longer first version'));
      await storage.put('assets/a1/peaks.json', chunked(Buffer.from('short')));

      expect((await readAll(await storage.read('assets/a1/peaks.json'))).toString()).toBe('short');
      expect(await storage.stat('assets/a1/peaks.json')).toMatchObject({ size: 5 });
    });

    it('leaves no object at the key when the stream fails during put', async () => {
      await expect(storage.put('assets/a1/broken.bin', failingAfter(100 * 1024))).rejects.toThrow('client went away');

      expect(await storage.stat('assets/a1/broken.bin')).toBeNull();
      expect(await storage.list('assets/')).toEqual([]);
    });

    it('leaves no object at the key when the stream fails after more than one part', async () => {
      // the caller learns why the put failed, not some follow-up error of the clean-up
      await expect(storage.put('assets/a1/broken-large.bin', failingAfter(MULTIPART_SIZE))).rejects.toThrow('client went away');

      expect(await storage.stat('assets/a1/broken-large.bin')).toBeNull();
      expect(await storage.list('assets/')).toEqual([]);
    });

    it('keeps the previous object when an overwrite fails', async () => {
      await storage.put('assets/a1/original.bin', Buffer.from('good'));

      await expect(storage.put('assets/a1/original.bin', failingAfter(64 * 1024))).rejects.toThrow();

      expect((await readAll(await storage.read('assets/a1/original.bin'))).toString()).toBe('good');
    });

    it('refuses keys that climb out of their prefix', async () => {
      await expect(storage.put('../outside.bin', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
      expect(await storage.list('')).toEqual([]);
    });
  });
}

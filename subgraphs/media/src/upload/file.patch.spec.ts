import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MemoryLocker, Upload } from '@tus/server';
import type { Logger } from '@wavegraph/kit';
import { eventually } from '@wavegraph/testkit';
import type { MediaConfig } from '../media.config';
import { StagingFileStore } from '../storage/staging.file-store';
import { filePatch } from './file.patch';
import { createTusServer } from './tus.server';
import { UploadFiles } from './upload.files';
import { CHECKSUM_MISMATCH, type UploadFinisher } from './upload.finisher';

/*
 * Differential: every PATCH goes both to @tus/server (with the same file store, locker and
 * finish hook as media) and to filePatch, and the two must answer alike (status, tus and
 * framing headers, body) and leave the same bytes staged.
 */

const MAX_SIZE = 1024 * 1024;
const TTL_MS = 60_000;
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
/** The headers compared; Date and Keep-Alive timing differ between any two answers. */
const COMPARED = ['tus-resumable', 'upload-offset', 'upload-expires', 'connection', 'content-type', 'content-length', 'access-control-expose-headers', 'access-control-allow-origin'];

interface Side {
  url: string;
  store: StagingFileStore;
  finished: string[];
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** What the finish hook does for the next upload: nothing, refuse the file, or fail. */
let finishOutcome: 'ok' | 'refuse' | 'fail' = 'ok';

async function side(kind: 'tus' | 'filePatch', dir: string): Promise<Side> {
  const store = new StagingFileStore({ directory: dir, expirationPeriodInMilliseconds: TTL_MS });
  const files = new UploadFiles(store, new MemoryLocker(), quiet);
  const finished: string[] = [];
  const finisher = {
    finish: async (upload: Upload) => {
      if (finishOutcome === 'refuse') throw { status_code: CHECKSUM_MISMATCH, body: 'Upload rejected: sha-256 differs\n' };
      if (finishOutcome === 'fail') throw new Error('storage away');
      finished.push(upload.id);
    },
  } as unknown as UploadFinisher;
  const config = { maxUploadBytes: MAX_SIZE, publicUrl: 'http://media.invalid' } as MediaConfig;
  const tus = createTusServer(files, finisher, config, quiet);
  const patch = filePatch(files, finisher, MAX_SIZE, quiet);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    void (kind === 'tus' ? tus.handle(req, res) : patch(req, res, (req.url ?? '').split('/').pop() ?? ''));
  };
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/uploads`,
    store,
    finished,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => undefined),
  };
}

/** A PATCH with exactly these headers; `hold` keeps the body unfinished until it resolves, then `rest` is sent. */
function patch(url: string, headers: Record<string, string>, body: Buffer, hold?: { until: Promise<void>; rest: Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PATCH', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: Object.fromEntries(COMPARED.map((name) => [name, res.headers[name] as string | undefined])), body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.write(body);
    if (hold) void hold.until.then(() => req.end(hold.rest));
    else req.end();
  });
}

const tusHeaders = (offset: number, length: number, extra: Record<string, string | undefined> = {}): Record<string, string> =>
  Object.fromEntries(
    Object.entries({ 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(length), ...extra }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );

describe('filePatch answers tus PATCHes exactly as @tus/server does', () => {
  let root: string;
  let sides: Side[];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'wg-file-patch-'));
    sides = [await side('tus', path.join(root, 'tus')), await side('filePatch', path.join(root, 'patch'))];
  });
  afterAll(async () => {
    await Promise.all(sides.map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
  });
  afterEach(() => {
    finishOutcome = 'ok';
  });

  /** The same upload on both sides, `staged` bytes of it already there. */
  async function upload(size: number, staged: Buffer = Buffer.alloc(0), createdAt = new Date()): Promise<string> {
    const id = randomUUID();
    for (const s of sides) {
      await s.store.create(new Upload({ id, size, offset: 0, metadata: {}, creation_date: createdAt.toISOString() }));
      if (staged.length) await s.store.write(Readable.from([staged]), id, 0);
    }
    return id;
  }
  const stagedBytes = (id: string) => Promise.all(sides.map((s) => readFile(path.join(s.store.directory, id))));

  /** Sends one request to both sides; expects the same answer and the same staged bytes, and returns them. */
  async function same(id: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
    const [tus, ours] = await Promise.all(sides.map((s) => patch(`${s.url}/${id}`, headers, body)));
    expect(ours).toEqual(tus);
    const [tusBytes, ourBytes] = await stagedBytes(id);
    expect(ourBytes.equals(tusBytes)).toBe(true);
    return ours;
  }

  it('stores a chunk and answers 204 with the new offset and the expiry', async () => {
    const bytes = randomBytes(64 * 1024);
    const id = await upload(3 * bytes.length);
    const answer = await same(id, tusHeaders(0, bytes.length), bytes);
    expect(answer).toMatchObject({ status: 204, headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(bytes.length) } });
    expect(Date.parse(answer.headers['upload-expires'] ?? '')).toBeGreaterThan(Date.now());
    const next = await same(id, tusHeaders(bytes.length, bytes.length), bytes);
    expect(next.headers['upload-offset']).toBe(String(2 * bytes.length));
    expect((await stagedBytes(id))[1].subarray(0, 2 * bytes.length).equals(Buffer.concat([bytes, bytes]))).toBe(true);
  });

  it('finishes the upload with its last byte, once, and then sends no expiry', async () => {
    const bytes = randomBytes(10_000);
    const id = await upload(bytes.length, bytes.subarray(0, 4000));
    const answer = await same(id, tusHeaders(4000, 6000), bytes.subarray(4000));
    expect(answer.status).toBe(204);
    expect(answer.headers['upload-expires']).toBeUndefined();
    for (const s of sides) expect(s.finished.filter((f) => f === id)).toEqual([id]);
  });

  it('refuses what tus refuses, with its status and words', async () => {
    const bytes = randomBytes(1000);
    const refusals: [Record<string, string>, number][] = [
      [tusHeaders(0, 1000, { 'Tus-Resumable': undefined }), 412],
      [tusHeaders(0, 1000, { 'Tus-Resumable': '0.2.2' }), 400],
      [tusHeaders(0, 1000, { 'Content-Type': 'text/plain' }), 400],
      [tusHeaders(0, 1000, { 'Upload-Offset': '-1' }), 400],
      [tusHeaders(0, 1000, { 'Upload-Metadata': 'not base64 at all' }), 400],
      [tusHeaders(0, 1000, { 'Upload-Offset': undefined }), 403],
      [tusHeaders(0, 1000, { 'Content-Type': undefined }), 403],
      [tusHeaders(10, 1000), 409],
      // tus's 501 (no deferred length) is a 5xx, which media's error mapping answers as a bare 500
      [tusHeaders(0, 1000, { 'Upload-Length': '1000' }), 500],
    ];
    for (const [headers, status] of refusals) {
      const id = await upload(5000);
      expect((await same(id, headers, bytes)).status).toBe(status);
    }
  });

  it('refuses a body longer than the rest of the upload with 413 and stores none of it', async () => {
    const id = await upload(500);
    const answer = await same(id, tusHeaders(0, 1000), randomBytes(1000));
    expect(answer.status).toBe(413);
    expect((await stagedBytes(id))[1].length).toBe(0);
  });

  it('answers 410 for an upload past its expiry', async () => {
    const id = await upload(5000, undefined, new Date(Date.now() - 2 * TTL_MS));
    expect((await same(id, tusHeaders(0, 100), randomBytes(100))).status).toBe(410);
  });

  it('sends a refused or failed finish as tus does (the refusal as it is, a failure as a bare 500)', async () => {
    finishOutcome = 'refuse';
    const refused = await same(await upload(100), tusHeaders(0, 100), randomBytes(100));
    expect(refused).toMatchObject({ status: CHECKSUM_MISMATCH, body: 'Upload rejected: sha-256 differs\n' });
    finishOutcome = 'fail';
    const failed = await same(await upload(100), tusHeaders(0, 100), randomBytes(100));
    expect(failed).toMatchObject({ status: 500, body: 'Something went wrong with that request\n', headers: { connection: 'close' } });
  });

  it('keeps the bytes that arrived when the connection drops in the middle of a PATCH, and lets the upload resume', async () => {
    const bytes = randomBytes(30_000);
    const id = await upload(bytes.length);
    await Promise.all(
      sides.map(async (s) => {
        const req = http.request(`${s.url}/${id}`, { method: 'PATCH', headers: tusHeaders(0, bytes.length), agent: false });
        req.on('error', () => undefined);
        req.write(bytes.subarray(0, 12_000));
        await eventually(async () => expect((await s.store.getUpload(id)).offset).toBe(12_000));
        req.destroy();
      }),
    );
    // the aborted PATCH has let go of the lock: the rest goes through
    const answer = await same(id, tusHeaders(12_000, bytes.length - 12_000), bytes.subarray(12_000));
    expect(answer).toMatchObject({ status: 204, headers: { 'upload-offset': String(bytes.length) } });
    expect((await stagedBytes(id))[1].equals(bytes)).toBe(true);
  });

  it('hands the lock over: a PATCH holding it stops LOCK_DRAIN_MS after another asks, keeping what it stored', async () => {
    const bytes = randomBytes(20_000);
    const id = await upload(bytes.length);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answers = await Promise.all(
      sides.map(async (s) => {
        const first = patch(`${s.url}/${id}`, tusHeaders(0, bytes.length), bytes.subarray(0, 8000), { until: held, rest: bytes.subarray(8000) });
        // the first PATCH holds the lock with 8000 bytes stored when the second asks for it
        await eventually(async () => expect((await s.store.getUpload(id)).offset).toBe(8000));
        const second = await patch(`${s.url}/${id}`, tusHeaders(0, 0), Buffer.alloc(0));
        return { first: await first, second };
      }),
    );
    release();
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1].first).toMatchObject({ status: 204, headers: { 'upload-offset': '8000', connection: 'close' } });
    expect(answers[1].second.status).toBe(409);
    const [tusBytes, ourBytes] = await stagedBytes(id);
    expect(ourBytes.equals(tusBytes)).toBe(true);
    expect(ourBytes.subarray(0, 8000).equals(bytes.subarray(0, 8000))).toBe(true);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FetchFailure, type FetchPolicy } from '../fetch/safe-fetch';
import { downloadResumable } from './enclosure.download';
import { fileNameOf, mediaTypeOf } from './enclosure.files';

const audio = randomBytes(200_000);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const policy: FetchPolicy = { allowPrivateNetworks: false, allowAddress: (a) => a === '127.0.0.1', timeoutMs: 5_000, maxBytes: 1_000_000 };

describe('downloadResumable', () => {
  let server: Server;
  let base: string;
  let dir: string;
  const ranges: Array<string | undefined> = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-ingest-dl-'));
    server = createServer((req: IncomingMessage, res) => {
      ranges.push(req.headers.range);
      if (req.url === '/ignores-range.mp3') {
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': audio.length }).end(audio);
        return;
      }
      const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (match) {
        const start = Number(match[1]);
        res.writeHead(206, { 'content-type': 'audio/mpeg', 'content-range': `bytes ${start}-${audio.length - 1}/${audio.length}` }).end(audio.subarray(start));
      } else {
        res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(audio);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads a whole file, then resumes a partial one with a Range request', async () => {
    const whole = path.join(dir, 'whole.part');
    expect(await downloadResumable(`${base}/ep.mp3`, whole, policy, 'test')).toEqual({ sizeBytes: audio.length, sha256: sha(audio), contentType: 'audio/mpeg' });
    const partial = path.join(dir, 'partial.part');
    writeFileSync(partial, audio.subarray(0, 70_000));
    const resumed = await downloadResumable(`${base}/ep.mp3`, partial, policy, 'test');
    expect(ranges.at(-1)).toBe('bytes=70000-');
    expect(resumed.sha256).toBe(sha(audio));
    expect(readFileSync(partial).equals(audio)).toBe(true);
  });

  it('starts over when the server ignores Range', async () => {
    const file = path.join(dir, 'restart.part');
    writeFileSync(file, Buffer.from('garbage from an earlier attempt'));
    expect((await downloadResumable(`${base}/ignores-range.mp3`, file, policy, 'test')).sha256).toBe(sha(audio));
  });

  it('refuses a file over INGEST_MAX_ENCLOSURE_BYTES and a private address', async () => {
    const small = { ...policy, maxBytes: 100_000 };
    await expect(downloadResumable(`${base}/ep.mp3`, path.join(dir, 'big.part'), small, 'test')).rejects.toThrow('the enclosure is larger than the 100000 bytes allowed');
    const strict = { ...policy, allowAddress: undefined };
    const refused = downloadResumable(`${base}/ep.mp3`, path.join(dir, 'ssrf.part'), strict, 'test');
    await expect(refused).rejects.toBeInstanceOf(FetchFailure);
    await expect(refused).rejects.toThrow('127.0.0.1 is not a public address');
  });

  it('names the file and its type as media takes them', () => {
    expect(mediaTypeOf('https://cdn.example.com/a.m4a', 'audio/x-m4a')).toBe('audio/mp4');
    expect(mediaTypeOf('https://cdn.example.com/a.mp3?x=1', 'application/octet-stream')).toBe('audio/mpeg');
    expect(mediaTypeOf('https://cdn.example.com/a.txt', 'text/plain')).toBeNull();
    expect(fileNameOf('https://cdn.example.com/shows/ep%201.mp3', 'audio/mpeg')).toBe('ep 1.mp3');
    expect(fileNameOf('https://cdn.example.com/stream', 'audio/mpeg')).toBe('stream.mp3');
  });
});

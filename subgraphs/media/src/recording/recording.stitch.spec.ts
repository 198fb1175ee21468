import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FilesystemStorage } from '../storage/filesystem.storage';
import { split, webmRecording } from '../testing/recording';
import { chunkKey } from './recording.entity';
import { stitchChunks } from './recording.stitch';

const run = promisify(execFile);

const durationOf = async (file: string): Promise<string> =>
  (await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file])).stdout.trim();

describe('stitching recorder chunks', () => {
  let dir: string;
  let storage: FilesystemStorage;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wg-stitch-'));
    storage = new FilesystemStorage(path.join(dir, 'storage'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const store = async (sessionId: string, pieces: Buffer[]) => {
    for (const [sequence, piece] of pieces.entries()) await storage.put(chunkKey(sessionId, sequence), piece);
  };
  const workDir = async (name: string) => {
    const at = path.join(dir, name);
    await mkdir(at, { recursive: true });
    return at;
  };

  it('gives a recorder\'s live WebM (no duration) a duration, the same bytes every time', async () => {
    const recording = await webmRecording(dir, 3);
    expect(await durationOf(path.join(dir, 'recording-3.webm'))).toBe('N/A');
    const pieces = split(recording, 5);
    await store('s1', pieces);
    const first = await stitchChunks(storage, { id: 's1', mimeType: 'audio/webm;codecs=opus' }, pieces.length - 1, await workDir('a'));
    const again = await stitchChunks(storage, { id: 's1', mimeType: 'audio/webm;codecs=opus' }, pieces.length - 1, await workDir('b'));
    expect(first.mimeType).toBe('audio/webm');
    expect(Number(await durationOf(first.path))).toBeCloseTo(3, 1);
    expect([again.sha256, again.size]).toEqual([first.sha256, first.size]);
    expect(first.size).toBe((await readFile(first.path)).length);
  });

  it('refuses chunks out of their order with ffmpeg\'s reason', async () => {
    const pieces = split(await webmRecording(dir, 2), 4);
    await store('s2', [pieces[1], pieces[0], pieces[2], pieces[3]]);
    await expect(stitchChunks(storage, { id: 's2', mimeType: 'audio/webm' }, 3, await workDir('c'))).rejects.toThrow(/ffmpeg failed/);
  });
});

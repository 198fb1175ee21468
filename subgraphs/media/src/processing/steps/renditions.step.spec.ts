import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FilesystemStorage } from '../../storage/filesystem.storage';
import type { AssetRow } from '../processing.store';
import { measureLoudness } from '../testing/media.fixtures';
import { renditionsStep } from './renditions.step';

/** The step alone, with real ffmpeg, on a master that leaves AAC no headroom. */
describe('renditions step', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-renditions-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps every rendition at or under -1 dBTP even when the master peaks above it', async () => {
    const master = path.join(dir, 'hot.flac');
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=color=white:amplitude=0.8:seed=3:duration=6', '-ac', '2', '-ar', '48000', master]);
    const before = await measureLoudness(master);
    expect(before.truePeakDbtp).toBeGreaterThan(-1);

    const storage = new FilesystemStorage(path.join(dir, 'store'));
    await storage.putFile('assets/x/normalized.flac', master);
    const asset = { id: 'x', run: 2, outputs: { normalizedKey: 'assets/x/normalized.flac' }, duration_seconds: 6 } as AssetRow;
    const output = await renditionsStep.run({ asset, storage, workDir: dir, progress: () => undefined, reads: { chapters: async () => null, script: async () => null, language: async () => 'en-US' }, retire: async () => undefined, fetch: (key) => storage.download(key, path.join(dir)) });

    expect(output.files.map((f) => f.key)).toEqual(['assets/x/run-2/renditions/aac-128.m4a', 'assets/x/run-2/renditions/aac-64.m4a']);
    for (const file of output.files) {
      const after = await measureLoudness(file.path);
      expect(after.truePeakDbtp).toBeLessThanOrEqual(-1);
      // corrected, not crushed (full-scale white noise is AAC's worst case: the overshoot is not linear in the gain)
      expect(after.truePeakDbtp).toBeGreaterThan(-4);
    }
  }, 60_000);
});

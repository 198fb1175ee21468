import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PocketsphinxEngine } from './pocketsphinx.engine';
import { speechInParts } from './testing.speech';

/** The real pocketsphinx_continuous on flite speech, cut into chunks far shorter than the speech. */
describe('pocketsphinx engine', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-pocketsphinx-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('recognises long audio chunk by chunk: times stay those of the whole file, progress moves, nothing is left behind', async () => {
    const texts = ['Podcasts are a wonderful way to learn new things.', 'The weather today is sunny and warm in the mountains.', 'Thank you for listening to the show.'];
    const speech = await speechInParts(dir, 'chunked', texts);
    const progress: number[] = [];
    const segments = await new PocketsphinxEngine({ chunkSeconds: 5 }).transcribe(speech.file, 'en-US', { onProgress: (f) => progress.push(f) });
    const words = segments.flatMap((s) => s.words);
    const weather = words.find((w) => w.text === 'weather');
    const listening = words.find((w) => w.text === 'listening');
    expect(Math.abs(weather!.start - speech.starts[1])).toBeLessThan(1);
    // the third part lies in the second or third chunk: its words carry that chunk's offset
    expect(listening!.start).toBeGreaterThan(speech.starts[2]);
    expect(listening!.start).toBeLessThan(speech.duration);
    for (let i = 1; i < words.length; i += 1) expect(words[i].start).toBeGreaterThanOrEqual(words[i - 1].start);
    // one report per chunk (at least three for ~9 s in 5 s chunks), rising to 1
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.at(-1)).toBe(1);
    expect((await readdir(dir)).filter((name) => name.startsWith('asr-'))).toEqual([]);
  }, 60_000);
});

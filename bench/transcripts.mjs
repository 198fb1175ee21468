// Transcripts: pocketsphinx on a reference text synthesised by flite (at least five minutes),
// in the same run:
// - the bare engine: ffmpeg to 16 kHz mono WAV, then one `pocketsphinx_continuous -time yes`
//   over the whole file, as one would run it by hand;
// - the transcribe step end to end (built code, as the worker runs it): decoding, chunking,
//   recognition, segmenting and the VTT/SRT/JSON files (the transaction that saves the rows is
//   not part of it);
// and for both the real-time factor (seconds of work per second of audio) and the word error
// rate against the text flite was given. The WER is the engine's; the overhead is ours.
// BENCH_TRANSCRIPT_MINUTES (default 5) sets the length of the reference.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureSystemTools, installAndBuild, root } from '../scripts/setup.mjs';

if (!process.argv.includes('--no-build')) installAndBuild();
ensureSystemTools(['ffmpeg', 'flite']);

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const mediaDist = (file) => require(path.join(root, 'subgraphs/media/dist', file));
const { STEP_DEFINITIONS } = mediaDist('processing/steps/index.js');
const { parsePocketsphinx } = mediaDist('transcript/pocketsphinx.output.js');

const MINUTES = Number(process.env.BENCH_TRANSCRIPT_MINUTES ?? 5);

/** Plain sentences of the kind a show says; repeated in a shifting order until the audio is long enough. */
const SENTENCES = [
  'Welcome back to the show, where we talk about science and everyday life.',
  'Today we are looking at how cities plan their water supply for the next twenty years.',
  'The first thing to know is that most of the water we use at home is never drunk.',
  'It goes into washing, cleaning and the garden, especially in the summer months.',
  'Engineers measure the demand of every district and compare it with the rain of each season.',
  'When a dry year comes, the reservoirs have to carry the city until the autumn rain returns.',
  'Some towns now collect the rain that falls on roofs and use it for the streets and parks.',
  'Others clean the water from their homes and send it back to the river much cleaner than before.',
  'My guest this week has worked on these systems for most of her career.',
  'She told me that the hardest part is not the technology but the long time it takes to build.',
  'A new pipe under a busy road can take three years from the first plan to the last stone.',
  'So the decisions made this year will shape the city our children live in.',
  'We also spoke about the cost, and who should pay for it, which is never an easy question.',
  'Thank you for listening, and see you next week with another story from the world around us.',
];

async function durationOf(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** Words as the engine's dictionary writes them: lower case, no punctuation. */
const wordsOf = (text) => text.toLowerCase().replace(/[^a-z' ]+/g, ' ').split(/\s+/).filter(Boolean);

/** Word error rate: (substitutions + deletions + insertions) / reference words, by edit distance on words (two rows of the table at a time). */
function wordErrorRate(reference, hypothesis) {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[hypothesis.length] / reference.length;
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - started) / 1000, result };
}

const dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-bench-transcripts-'));
try {
  // the reference: enough sentences for MINUTES of speech, synthesised once
  const sentences = [];
  let wav;
  let duration = 0;
  for (let round = 0; duration < MINUTES * 60; round += 1) {
    for (let i = 0; i < SENTENCES.length; i += 1) sentences.push(SENTENCES[(i * (round + 1) + round) % SENTENCES.length]);
    const textFile = path.join(dir, 'reference.txt');
    await writeFile(textFile, sentences.join(' '));
    wav = path.join(dir, 'reference.wav');
    await run('flite', ['-voice', 'slt', '-f', textFile, '-o', wav], { timeout: 600_000 });
    duration = await durationOf(wav);
  }
  const reference = wordsOf(sentences.join(' '));
  // what the step reads: the normalised FLAC master at 48 kHz, as the loudness step leaves it
  const master = path.join(dir, 'normalized.flac');
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-i', wav, '-af', 'loudnorm=I=-16:TP=-1.5:LRA=11', '-ar', '48000', '-c:a', 'flac', master]);
  console.log(`reference: ${reference.length} words, ${duration.toFixed(1)} s of flite (slt) speech`);

  // baseline: the bare engine command on the whole file
  const bare = await timed(async () => {
    const input = path.join(dir, 'bare.wav');
    await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-i', master, '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', input]);
    const { stdout } = await run('pocketsphinx_continuous', ['-infile', input, '-time', 'yes'], { maxBuffer: 256 * 1024 * 1024 });
    return parsePocketsphinx(stdout).map((w) => w.text);
  });

  // the step, as the worker runs it (its database reads answered here: the default language)
  const stepDir = await mkdtemp(path.join(dir, 'step-'));
  const progress = [];
  const step = await timed(() =>
    STEP_DEFINITIONS.transcribe.run({
      asset: { id: '00000000-0000-4000-8000-000000000000', episode_id: '00000000-0000-4000-8000-000000000001', owner_id: '00000000-0000-4000-8000-000000000002', run: 0, outputs: { normalizedKey: 'master' }, duration_seconds: duration },
      storage: null,
      workDir: stepDir,
      dataSource: { query: async () => [] },
      finalAttempt: true,
      progress: (fraction) => progress.push(fraction),
      fetch: async () => master,
    }),
  );
  const json = JSON.parse(await readFile(step.result.files.find((f) => f.key.endsWith('.json')).path, 'utf8'));
  const stepWords = wordsOf(json.segments.map((s) => s.body).join(' '));

  const rows = [
    ['bare pocketsphinx_continuous', bare.seconds, wordErrorRate(reference, bare.result)],
    ['transcribe step (end to end)', step.seconds, wordErrorRate(reference, stepWords)],
  ];
  console.log('\n| run | seconds | real-time factor | word error rate |');
  console.log('|---|---:|---:|---:|');
  for (const [name, seconds, wer] of rows) console.log(`| ${name} | ${seconds.toFixed(1)} | ${(seconds / duration).toFixed(3)} | ${(wer * 100).toFixed(1)} % |`);
  console.log(`\noverhead of the step over the bare engine: ${(((step.seconds / bare.seconds) - 1) * 100).toFixed(1)} % (${json.segments.length} segments, ${progress.length} progress reports)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

// Text-to-speech: synthesis seconds per minute of audio produced, for the `synthesize` step as
// the worker runs it (sentence by sentence, each piece measured, joined with pauses, FLAC,
// sha-256, timings JSON) against the same engine run by hand in the same run:
// - flite (or espeak-ng) on the whole script in one command, the bare engine;
// - the step's own per-sentence commands replayed by hand, one after the other, so the
//   difference is only what Wavegraph does around them.
// A script of BENCH_TTS_SENTENCES generated sentences (default 120, about 6 minutes with flite:slt),
// BENCH_TTS_RUNS runs each (default 3, the median is reported), voice BENCH_TTS_VOICE (default flite:slt).
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ensureSystemTools, installAndBuild, root } from '../scripts/setup.mjs';
import { percentile } from './lib.mjs';

const require = createRequire(import.meta.url);
const mediaDist = (file) => require(path.join(root, 'subgraphs/media/dist', file));
const childProcess = require('node:child_process');

const sentences = Number(process.env.BENCH_TTS_SENTENCES ?? 120);
const runs = Number(process.env.BENCH_TTS_RUNS ?? 3);
const voice = process.env.BENCH_TTS_VOICE ?? 'flite:slt';

if (!process.argv.includes('--no-build')) installAndBuild();
ensureSystemTools(['ffmpeg', 'flite', 'espeak-ng']);
const { STEP_DEFINITIONS } = mediaDist('processing/steps/index.js');

/** A plain-text script of varied sentences in paragraphs of four, made here (nothing is fetched). */
function script(count) {
  const subjects = ['The river', 'Our guest', 'A small town', 'The old bridge', 'Every listener', 'The morning train', 'This season'];
  const verbs = ['carries', 'remembers', 'follows', 'changes', 'explains', 'discovers', 'reaches'];
  const objects = ['the story of the valley', 'a quiet corner of the city', 'the sound of the sea at night', 'what happened after the storm', 'the first letters of the archive', 'a road nobody takes any more'];
  const tails = ['', ' before the sun goes down', ' with a little help from friends', ' in the spring of that year', ' and nobody expected it'];
  const lines = [];
  for (let i = 0; i < count; i++) {
    lines.push(`${subjects[i % subjects.length]} ${verbs[(i * 3) % verbs.length]} ${objects[(i * 5) % objects.length]}${tails[(i * 7) % tails.length]}.`);
    if (i % 4 === 3) lines.push('');
  }
  return lines.join('\n');
}

function exec(tool, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} exited ${code}: ${stderr}`))));
  });
}

const median = (values) => percentile([...values].sort((a, b) => a - b), 50);
const timed = async (fn) => {
  const started = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - started) / 1000, result };
};

/** The step in this process, recording every command it starts. */
async function runStep(text, dir) {
  const commands = [];
  const originalSpawn = childProcess.spawn;
  childProcess.spawn = (tool, args, options) => {
    commands.push({ tool, args: [...args] });
    return originalSpawn(tool, args, options);
  };
  try {
    const asset = { id: randomUUID(), run: 1, status: 'PROCESSING', source_key: null, outputs: {}, duration_seconds: null };
    const { seconds, result } = await timed(() =>
      STEP_DEFINITIONS.synthesize.run({
        asset,
        storage: null,
        workDir: dir,
        progress: () => undefined,
        reads: { chapters: async () => null, script: async () => ({ voice, text }) },
        fetch: async () => {
          throw new Error('synthesize reads nothing from storage');
        },
      }),
    );
    const timings = result.files.find((f) => f.key.endsWith('script-timings.json'));
    const segments = JSON.parse(await (await import('node:fs/promises')).readFile(timings.path, 'utf8')).segments;
    return { seconds, commands, audioSeconds: segments.at(-1).endSeconds, segments: segments.length };
  } finally {
    childProcess.spawn = originalSpawn;
  }
}

async function main() {
  const [engine, local] = [voice.slice(0, voice.indexOf(':')), voice.slice(voice.indexOf(':') + 1)];
  const text = script(sentences);
  const dir = path.join(tmpdir(), `wavegraph-bench-tts-${process.pid}`);
  await mkdir(dir, { recursive: true });
  try {
    const whole = path.join(dir, 'script.txt');
    await writeFile(whole, text);
    const ours = [];
    const replay = [];
    const bare = [];
    let audioSeconds = 0;
    let segments = 0;
    for (let i = 0; i < runs; i++) {
      const stepDir = path.join(dir, `step-${i}`);
      await mkdir(stepDir, { recursive: true });
      const step = await runStep(text, stepDir);
      ours.push(step.seconds);
      audioSeconds = step.audioSeconds;
      segments = step.segments;
      // the same commands by hand: per-sentence text files must exist again, so each is rewritten as the step did
      const sentenceTexts = (await import(path.join(root, 'subgraphs/media/dist/tts/tts.script.js'))).scriptSentences(text.trim(), 'en-US');
      let n = 0;
      replay.push(
        (
          await timed(async () => {
            for (const command of step.commands) {
              const textArg = command.args.indexOf('-f');
              if (command.tool !== 'ffmpeg' && textArg >= 0) await writeFile(command.args[textArg + 1], sentenceTexts[n++].text);
              await exec(command.tool, command.args);
            }
          })
        ).seconds,
      );
      const out = path.join(dir, 'whole.wav');
      const args = engine === 'flite' ? ['-voice', local, '-f', whole, '-o', out] : ['-v', local, '-f', whole, '-w', out];
      bare.push((await timed(() => exec(engine === 'flite' ? 'flite' : 'espeak-ng', args))).seconds);
      await rm(stepDir, { recursive: true, force: true });
    }
    const perMinute = (s) => s / (audioSeconds / 60);
    const rows = [
      ['synthesize step (Wavegraph)', median(ours)],
      ['its commands by hand', median(replay)],
      [`${engine} on the whole script by hand`, median(bare)],
    ];
    console.log(`\nText-to-speech, ${voice}: ${segments} sentences, ${text.length} characters, ${audioSeconds.toFixed(1)} s of audio; median of ${runs} runs\n`);
    console.log('| run | seconds | s per minute of audio | real-time factor | vs by hand (same commands) | vs whole script by hand |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [name, s] of rows) {
      console.log(`| ${name} | ${s.toFixed(2)} | ${perMinute(s).toFixed(2)} | ${(s / audioSeconds).toFixed(4)} | ${(s / median(replay)).toFixed(2)}x | ${(s / median(bare)).toFixed(2)}x |`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

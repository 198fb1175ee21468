// The media pipeline's step definitions run in this process, and the commands they ran run again
// by hand, for the benches' bare baselines (bench/media.mjs, bench/video.mjs): what the steps do
// without queue, sandbox, database or storage, and what their tools alone take.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { root } from '../../scripts/setup.mjs';

const require = createRequire(import.meta.url);
// the pipeline's own code, as built: the bench runs what the worker runs and cannot drift from it
const mediaDist = (file) => require(path.join(root, 'subgraphs/media/dist', file));
const { STEP_DEFINITIONS } = mediaDist('processing/steps/index.js');
export const { STEPS } = mediaDist('processing/processing.port.js');
const { killAllTools } = mediaDist('processing/ffmpeg.js');
// the module object processing/ffmpeg.js calls spawn through, to record the commands it runs
const childProcess = require('node:child_process');

const seconds = (from) => (performance.now() - from) / 1000;

const tools = new Set();
// a bench stopped by a signal exits through lib's handler: take the tools this process started along
process.on('exit', () => {
  killAllTools();
  for (const child of tools) child.kill('SIGKILL');
});

/** Runs a tool to the end, output read and dropped (stderr's tail kept for an error). */
export function exec(tool, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    tools.add(child);
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      tools.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${tool} ${args.join(' ')} failed (${code}): ${stderr.trim().split('\n').slice(-3).join('; ')}`));
    });
  });
}

/** The recorded commands by hand: same order, same inputs and outputs, nothing between them. */
export async function runBare(commands) {
  const stepSeconds = Object.fromEntries(STEPS.map((step) => [step, 0]));
  const started = performance.now();
  for (const command of commands) {
    const from = performance.now();
    await exec(command.tool, command.args);
    stepSeconds[command.step] += seconds(from);
  }
  return { stepSeconds, total: seconds(started) };
}

/**
 * The step definitions run in flow order, each in its own directory, reading the previous
 * steps' files where they were written: no queue, sandbox, database, progress reporting, or
 * storage copies in and out. Every tool they start (ffmpeg, ffprobe, pocketsphinx) is recorded
 * with its step, so a bare baseline can run exactly those commands (the second loudnorm pass
 * with the values the first measured, a correction re-encode if one happened).
 */
export async function runStepsInProcess(source, dir) {
  const asset = { id: randomUUID(), run: 1, status: 'PROCESSING', source_key: 'source', outputs: {}, duration_seconds: null, has_video: null, channels: null, integrated_lufs: null, true_peak_dbtp: null };
  const files = new Map([[asset.source_key, source]]);
  const storage = new Proxy({}, { get: (_, name) => () => Promise.reject(new Error(`the in-process steps have no storage (${String(name)})`)) });
  const commands = [];
  const stepSeconds = {};
  const originalSpawn = childProcess.spawn;
  let current;
  childProcess.spawn = (tool, args, options) => {
    commands.push({ step: current, tool, args: [...args] });
    return originalSpawn(tool, args, options);
  };
  try {
    for (const step of STEPS) {
      current = step;
      const workDir = path.join(dir, step);
      await mkdir(workDir, { recursive: true });
      const started = performance.now();
      const output = await STEP_DEFINITIONS[step].run({
        asset,
        storage,
        workDir,
        progress: () => undefined,
        // an uploaded file: no chapters, no script, the default transcript language
        reads: { chapters: async () => null, script: async () => null, language: async () => 'en-US' },
        fetch: async (key) => {
          if (!files.has(key)) throw new Error(`${step} wants ${key}, which no earlier step wrote`);
          return files.get(key);
        },
      });
      stepSeconds[step] = seconds(started);
      for (const file of output.files) files.set(file.key, file.path);
      Object.assign(asset, output.columns ?? {});
      asset.outputs = { ...asset.outputs, ...output.outputs };
    }
  } finally {
    childProcess.spawn = originalSpawn;
  }
  // The recogniser reads chunks that node cuts from the decoded audio (and removes), which no
  // replay of commands can recreate; by hand one decodes the master once and recognises it in
  // one run, as bench/transcripts.mjs does (which measures the chunking's own cost).
  const master = files.get(asset.outputs.normalizedKey);
  const wav = path.join(dir, 'transcribe', 'by-hand.wav');
  const byHand = [
    { step: 'transcribe', tool: 'ffmpeg', args: ['-hide_banner', '-nostdin', '-y', '-nostats', '-i', master, '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav] },
    { step: 'transcribe', tool: 'pocketsphinx_continuous', args: ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null'] },
  ];
  const replayable = commands.filter((c) => c.step !== 'transcribe');
  return { asset, commands: [...replayable, ...byHand], stepSeconds, total: Object.values(stepSeconds).reduce((a, b) => a + b, 0) };
}

/** A ratio as a signed percentage: 1.05 → +5.0%. */
export const pct = (ratio) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

/**
 * The per-step table both media benches print: each step's time in the pipeline, as step code run
 * in-process and as bare ffmpeg, then their sums. Callers add the rows about hand-offs they measure.
 */
export function stepRows(pipelineRun, inProcess, bare, commands) {
  const lines = ['| step | ffmpeg/ffprobe runs | pipeline s | step code in-process s | bare ffmpeg s | pipeline vs bare |', '|---|---:|---:|---:|---:|---:|'];
  for (const step of STEPS) {
    const p = pipelineRun.stepSeconds[step];
    const b = bare.stepSeconds[step];
    const status = pipelineRun.statuses[step] === 'DONE' ? '' : ` (${pipelineRun.statuses[step]})`;
    lines.push(`| ${step}${status} | ${commands.filter((c) => c.step === step).length} | ${p.toFixed(2)} | ${inProcess.stepSeconds[step].toFixed(2)} | ${b.toFixed(2)} | ${b > 0 ? pct(p / b) : '–'} |`);
  }
  const sum = Object.values(pipelineRun.stepSeconds).reduce((a, b) => a + b, 0);
  lines.push(`| **sum of steps** | ${commands.length} | ${sum.toFixed(2)} | ${inProcess.total.toFixed(2)} | ${bare.total.toFixed(2)} | ${pct(sum / bare.total)} |`);
  return { lines, sum };
}

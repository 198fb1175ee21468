import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { inSpan } from '@wavegraph/telemetry';

const FFMPEG = process.env.FFMPEG_PATH || 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH || 'ffprobe';
/** Enough of stderr for error messages and the analysis filters' summaries at the end. */
const STDERR_TAIL = 256 * 1024;

/** Every ffmpeg/ffprobe this process started and that still runs, so a dying processor can take them along. */
const running = new Set<ChildProcess>();

export function killAllTools(): void {
  for (const child of running) child.kill('SIGKILL');
}

export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} failed (${exitCode === null ? 'killed' : `exit ${exitCode}`}): ${lastLines(stderr)}`);
    this.name = 'ToolError';
  }
}

/** The last few meaningful stderr lines, without ffmpeg's `[demuxer @ 0x…]` noise. */
export function lastLines(stderr: string, count = 3): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter(Boolean);
  return lines.slice(-count).join('; ') || 'no output';
}

export interface RunOptions {
  /** Called with 0..1 as ffmpeg reports how far it got (needs the input duration). */
  onProgress?: (fraction: number) => void;
  durationSeconds?: number;
  /** Receives stdout instead of the progress parser (raw PCM for the waveform). */
  onStdout?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs ffmpeg; with onProgress it adds `-progress pipe:1 -nostats` and parses `out_time_us`. */
export function ffmpeg(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const progress = options.onProgress && !options.onStdout ? ['-progress', 'pipe:1', '-nostats'] : ['-nostats'];
  return run(FFMPEG, ['-hide_banner', '-nostdin', '-y', ...progress, ...args], options);
}

export function ffprobe(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(FFPROBE, ['-hide_banner', ...args], options);
}

/** Another command-line tool (a speech recogniser or synthesiser), run, traced and killed like ffmpeg; stdout is collected unless onStdout takes it. */
export function runTool(command: string, args: string[], options: Omit<RunOptions, 'onProgress' | 'durationSeconds'> = {}): Promise<RunResult> {
  return run(command, args, options, path.basename(command));
}

/** One run of a tool, as a span of the step that runs it. */
function run(tool: string, args: string[], options: RunOptions, name = tool === FFPROBE ? 'ffprobe' : 'ffmpeg'): Promise<RunResult> {
  return inSpan(path.basename(tool), { kind: 'internal', attributes: { 'process.command': path.basename(tool), 'process.command_args': args.join(' ') } }, () => spawnTool(tool, name, args, options));
}

function spawnTool(tool: string, name: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let pending = '';
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) return options.onStdout(chunk);
      if (!options.onProgress) {
        stdout += chunk.toString();
        return;
      }
      // -progress writes key=value lines; only the position matters here
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
        if (match && options.durationSeconds) options.onProgress(Math.min(1, Number(match[1]) / 1e6 / options.durationSeconds));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('error', (error) => {
      running.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      running.delete(child);
      options.signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new ToolError(name, code, stderr));
    });
  });
}

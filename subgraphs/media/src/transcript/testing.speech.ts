import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Speech made on the spot by flite (slt voice), as WAV. */
export async function speak(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, `${name}.wav`);
  await run('flite', ['-voice', 'slt', '-t', text, '-o', file], { timeout: 60_000 });
  return file;
}

export async function durationOf(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** The parts one after the other, as one WAV. */
export async function joined(dir: string, name: string, parts: string[]): Promise<string> {
  const file = path.join(dir, `${name}.wav`);
  const inputs = parts.flatMap((part) => ['-i', part]);
  const filter = `${parts.map((_, i) => `[${i}:a]`).join('')}concat=n=${parts.length}:v=0:a=1`;
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...inputs, '-filter_complex', filter, file], { timeout: 60_000 });
  return file;
}

/**
 * Speech in parts, and where each part starts in the whole: flite's own durations of the parts,
 * so a test knows when a word was spoken without asking the recogniser.
 */
export async function speechInParts(dir: string, name: string, texts: string[]): Promise<{ file: string; starts: number[]; duration: number }> {
  const parts = await Promise.all(texts.map((text, i) => speak(dir, `${name}-${i}`, text)));
  const durations = await Promise.all(parts.map(durationOf));
  const starts = durations.map((_, i) => durations.slice(0, i).reduce((sum, d) => sum + d, 0));
  return { file: await joined(dir, name, parts), starts, duration: durations.reduce((sum, d) => sum + d, 0) };
}

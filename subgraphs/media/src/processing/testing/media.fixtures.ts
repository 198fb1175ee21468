import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * Test media, made by ffmpeg on the spot, and ffmpeg's own measurements of what processing
 * produced. The measurements use ebur128 (processing itself uses loudnorm), so a spec does
 * not grade the pipeline with the pipeline's own ruler.
 */

const run = promisify(execFile);

async function ffmpegTo(file: string, args: string[]): Promise<string> {
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args, file], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
  return file;
}

/** A 440 Hz tone 30 dB below lavfi's default level: far too quiet for a podcast. */
export const quietSine = (dir: string, seconds = 8) =>
  ffmpegTo(path.join(dir, `quiet-${seconds}.wav`), ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-af', 'volume=-30dB', '-ac', '2', '-ar', '44100']);

/** Pink noise at full scale, as MP3: much too loud, with peaks near 0 dBFS. */
export const loudNoise = (dir: string, seconds = 8) =>
  ffmpegTo(path.join(dir, `noise-${seconds}.mp3`), ['-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=1:seed=7:duration=${seconds}`, '-af', 'volume=6dB', '-c:a', 'libmp3lame', '-b:a', '192k']);

/** A tone with speech-like level changes, long enough to watch a step run. */
export const longProgramme = (dir: string, seconds: number) =>
  ffmpegTo(path.join(dir, `programme-${seconds}.flac`), [
    '-f', 'lavfi', '-i', `sine=frequency=220:duration=${seconds}`,
    '-f', 'lavfi', '-i', `anoisesrc=color=brown:amplitude=0.2:seed=11:duration=${seconds}`,
    '-filter_complex', "[0][1]amix=inputs=2,volume='0.5+0.4*sin(t)':eval=frame", '-ac', '2', '-ar', '48000',
  ]);

/** A small H.264 + AAC video with a test pattern and a tone. */
export const shortVideo = (dir: string, seconds = 5) =>
  ffmpegTo(path.join(dir, `video-${seconds}.mp4`), [
    '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=300:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
  ]);

/** A moving test picture of the given size and rate with a 440 Hz tone, as H.264/AAC MP4 (made fast, not small). */
export const videoWithTone = (dir: string, width: number, height: number, seconds: number, rate = 30) =>
  ffmpegTo(path.join(dir, `video-${width}x${height}-${rate}-${seconds}.mp4`), [
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${rate}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
  ]);

/** An MP3 carrying cover art: a picture stream marked attached_pic, which is not video. */
export async function mp3WithCover(dir: string, seconds = 4): Promise<string> {
  const cover = await ffmpegTo(path.join(dir, 'cover.jpg'), ['-f', 'lavfi', '-i', 'testsrc=size=200x200:rate=1', '-frames:v', '1']);
  return ffmpegTo(path.join(dir, `cover-${seconds}.mp3`), [
    '-f', 'lavfi', '-i', `sine=frequency=500:duration=${seconds}`, '-i', cover,
    '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-c:v', 'copy', '-disposition:v', 'attached_pic', '-id3v2_version', '3',
  ]);
}

/** A picture alone: a video stream, but nothing to listen to. */
export const stillImage = (dir: string) => ffmpegTo(path.join(dir, 'still.png'), ['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=1', '-frames:v', '1']);

/**
 * Bytes that look random but are the same every run (a SHA-256 chain from a fixed seed): truly
 * random ones now and then happen to look like a text format to ffprobe (an .lrc file), which
 * changes the reason probe gives.
 */
export async function randomBytesFile(dir: string, size = 64 * 1024): Promise<string> {
  const file = path.join(dir, 'random.mp3');
  const blocks: Buffer[] = [];
  let block = createHash('sha256').update('wavegraph arbitrary bytes').digest();
  for (let length = 0; length < size; length += block.length) {
    blocks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  await writeFile(file, Buffer.concat(blocks).subarray(0, size));
  return file;
}

export async function textAsMp3(dir: string): Promise<string> {
  const file = path.join(dir, 'notes.mp3');
  await writeFile(file, 'Episode 12 show notes\nThanks for listening!\n'.repeat(50));
  return file;
}

export interface Loudness {
  integratedLufs: number;
  truePeakDbtp: number;
}

/** ffmpeg's ebur128 summary of a whole file: integrated loudness and true peak. */
export async function measureLoudness(file: string): Promise<Loudness> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`no ebur128 summary for ${file}`);
  return { integratedLufs: Number(integrated[1]), truePeakDbtp: Number(peak[1]) };
}

export interface Probe {
  durationSeconds: number;
  streams: {
    codec_type: string;
    codec_name: string;
    channels?: number;
    sample_rate?: string;
    width?: number;
    height?: number;
    profile?: string;
    level?: number;
    pix_fmt?: string;
    r_frame_rate?: string;
  }[];
  formatName: string;
}

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  const parsed = JSON.parse(stdout) as { format: { duration: string; format_name: string }; streams: Probe['streams'] };
  return { durationSeconds: Number(parsed.format.duration), streams: parsed.streams, formatName: parsed.format.format_name };
}

/** Every file below a directory, relative, with '/' separators (to look for `.tmp-` leftovers). */
export async function filesBelow(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
}

/** A file's video packets in decode order: presentation time (seconds) and whether it is a keyframe, by ffprobe. */
export async function videoPackets(file: string): Promise<{ time: number; key: boolean }[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(','))
    .map(([time, flags]) => ({ time: Number(time), key: Boolean(flags?.startsWith('K')) }));
}

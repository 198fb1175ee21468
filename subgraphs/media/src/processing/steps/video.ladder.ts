import type { ProbeStream } from './probe.step';

/** A video's picture as players show it: pixel aspect and rotation applied. */
export interface Geometry {
  width: number;
  height: number;
  /** Frames per second, 3 decimals (29.97 for 30000/1001). */
  frameRate: number;
  /** The same rate as ffmpeg's rational, exact (for `-r`). */
  rate: string;
}

/** `30000/1001` → 29.97…; null for `0/0` and other non-rates. */
export function parseRate(text: string | undefined): number | null {
  const [num, den = '1'] = (text ?? '').split('/');
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? value : null;
}

const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));

/** Display width/height and frame rate of a probed video stream, or null when it has none readable. */
export function displayGeometry(stream: ProbeStream): Geometry | null {
  const fromAvg = parseRate(stream.avg_frame_rate);
  const rate = fromAvg !== null ? (stream.avg_frame_rate as string) : stream.r_frame_rate;
  const frameRate = parseRate(rate);
  if (!stream.width || !stream.height || frameRate === null || !rate) return null;
  const sar = parseRate(stream.sample_aspect_ratio?.replace(':', '/')) ?? 1;
  let width = even(stream.width * sar);
  let height = stream.height;
  const rotation = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0);
  if (Math.abs(rotation) % 180 === 90) [width, height] = [height, width];
  return { width, height, frameRate: Math.round(frameRate * 1000) / 1000, rate };
}

/**
 * The H.264 ladder, by lines of the picture's short side (so a portrait 720×1280 source gets
 * the same rungs as a 1280×720 one). Video bitrates are for up to 30 frames per second; above
 * that a rung gets half as much again. Every variant carries the same AAC audio as the 128 kbps
 * rendition (the loudness-normalised master), so switching variants never changes the sound.
 *
 *   360p    800 kbps      480p  1 400 kbps      720p  2 800 kbps      1080p  5 000 kbps
 */
export const LADDER = [
  { lines: 360, videoKbps: 800 },
  { lines: 480, videoKbps: 1400 },
  { lines: 720, videoKbps: 2800 },
  { lines: 1080, videoKbps: 5000 },
] as const;
export const AUDIO_KBPS = 128;
/** Sources faster than this are encoded at this rate; no rung ever exceeds the source's own rate. */
export const MAX_FRAME_RATE = 60;
/** Keyframes every 2 s exactly, so 6 s segments (three GOPs) start on keyframes in every variant. */
export const GOP_SECONDS = 2;
/** Capped VBR: peaks up to 1.5× the target, with a 2 s buffer. */
export const MAXRATE_FACTOR = 1.5;
export const BUFSIZE_FACTOR = 2;

export interface Rung {
  name: string;
  width: number;
  height: number;
  frameRate: number;
  /** `-r` argument: the source's exact rate, or the cap. */
  rate: string;
  videoKbps: number;
  /** H.264 level (e.g. "4.0"), the lowest that fits size, rate and bitrate. */
  level: string;
}

/** H.264 Table A-1: level, max macroblocks/s, max frame size (macroblocks), max bitrate (kbps, Main; High allows 1.25×). */
const LEVELS: [string, number, number, number][] = [
  ['3.0', 40_500, 1_620, 10_000],
  ['3.1', 108_000, 3_600, 14_000],
  ['3.2', 216_000, 5_120, 20_000],
  ['4.0', 245_760, 8_192, 20_000],
  ['4.1', 245_760, 8_192, 50_000],
  ['4.2', 522_240, 8_704, 50_000],
  ['5.0', 589_824, 22_080, 135_000],
  ['5.1', 983_040, 36_864, 240_000],
];

export function levelFor(width: number, height: number, frameRate: number, maxrateKbps: number): string {
  const across = Math.ceil(width / 16);
  const down = Math.ceil(height / 16);
  const frame = across * down;
  const found = LEVELS.find(
    ([, mbps, fs, br]) => frame <= fs && frame * frameRate <= mbps && maxrateKbps <= br * 1.25 && Math.max(across, down) <= Math.sqrt(fs * 8),
  );
  if (!found) throw new Error(`no H.264 level fits ${width}x${height} at ${frameRate} fps`);
  return found[0];
}

/**
 * The rungs a source gets: those whose short side does not exceed the source's, at the source's
 * frame rate (capped). A source smaller than the lowest rung gets one variant at its own size.
 */
export function ladderFor(source: Geometry): Rung[] {
  const short = Math.min(source.width, source.height);
  const portrait = source.height > source.width;
  const capped = source.frameRate > MAX_FRAME_RATE;
  const frameRate = capped ? MAX_FRAME_RATE : source.frameRate;
  const rate = capped ? String(MAX_FRAME_RATE) : source.rate;
  const fast = frameRate > 30 ? 1.5 : 1;
  const fitting: { lines: number; videoKbps: number }[] = LADDER.filter((rung) => rung.lines <= short);
  // below 360 lines: one variant, its bitrate scaled down with the picture
  if (fitting.length === 0) fitting.push({ lines: even(short), videoKbps: Math.max(200, Math.round((LADDER[0].videoKbps * even(short) ** 2) / LADDER[0].lines ** 2)) });
  return fitting.map(({ lines, videoKbps }) => {
    const long = even((lines * Math.max(source.width, source.height)) / short);
    const [width, height] = portrait ? [lines, long] : [long, lines];
    const kbps = Math.round(videoKbps * fast);
    return { name: `${lines}p`, width, height, frameRate, rate, videoKbps: kbps, level: levelFor(width, height, frameRate, kbps * MAXRATE_FACTOR) };
  });
}

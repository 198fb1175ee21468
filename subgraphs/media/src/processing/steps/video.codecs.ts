import { ffmpeg } from '../ffmpeg';

/**
 * The RFC 6381 codec of an H.264 stream, read from its sequence parameter set: profile_idc,
 * the constraint flags byte and level_idc, as `avc1.PPCCLL` (High at 4.0 → `avc1.640028`).
 * Read from the stream as encoded, not from what was asked of the encoder.
 */
export function avcCodecFromTrace(trace: string): string {
  const field = (name: string): number => {
    const match = new RegExp(`\\s${name}\\s+[01]+ = (\\d+)`).exec(trace);
    if (!match) throw new Error(`no ${name} in the H.264 sequence parameter set`);
    return Number(match[1]);
  };
  const profile = field('profile_idc');
  const constraints = [0, 1, 2, 3, 4, 5].reduce((byte, i) => byte | (field(`constraint_set${i}_flag`) << (7 - i)), 0);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `avc1.${hex(profile)}${hex(constraints)}${hex(field('level_idc'))}`;
}

/** The codec of the first video stream of a file (its first frame is enough; the trace is logged at info level). */
export async function avcCodecOf(file: string, signal?: AbortSignal): Promise<string> {
  const { stderr } = await ffmpeg(['-i', file, '-map', '0:v:0', '-c', 'copy', '-frames:v', '1', '-bsf:v', 'trace_headers', '-f', 'null', '-'], { signal });
  return avcCodecFromTrace(stderr);
}

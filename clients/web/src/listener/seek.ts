/** Seconds moved by one arrow key on the waveform seek bar. */
export const SEEK_STEP = 5;

/** Where a click `x` pixels into a seek bar `width` wide lands in `duration` seconds (null when either is unknown). */
export function secondsAt(x: number, width: number, duration: number): number | null {
  if (!(width > 0) || !(duration > 0)) return null;
  return clamp((x / width) * duration, duration);
}

/** Where a key moves the position on a seek bar (arrows by SEEK_STEP, Home, End); null for any other key or an unknown duration. */
export function secondsAfterKey(key: string, time: number, duration: number): number | null {
  if (!(duration > 0)) return null;
  const moves: Record<string, number> = { ArrowLeft: -SEEK_STEP, ArrowDown: -SEEK_STEP, ArrowRight: SEEK_STEP, ArrowUp: SEEK_STEP, Home: -Infinity, End: Infinity };
  return key in moves ? clamp(time + moves[key], duration) : null;
}

const clamp = (seconds: number, duration: number) => Math.min(duration, Math.max(0, seconds));

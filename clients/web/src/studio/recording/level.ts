/** Below this the meter reads 0: the floor of a quiet room, and of a muted input. */
const FLOOR_DB = -60;

/** RMS of one analyser window as 0..100 of the meter's -60..0 dBFS range. */
export function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.min(100, Math.max(0, ((db - FLOOR_DB) / -FLOOR_DB) * 100)));
}

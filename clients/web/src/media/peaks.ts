/** The waveform file media writes once an asset is READY: `{ sampleRate, samplesPerPeak, peaks }`, peaks 0..1. */
export interface WaveformPeaks {
  sampleRate: number;
  samplesPerPeak: number;
  peaks: number[];
}

/** The peaks file, checked: a wrong or damaged file is an Error in words, never half a drawing. */
export async function loadPeaks(url: string, signal?: AbortSignal): Promise<WaveformPeaks> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`The waveform could not be loaded (HTTP ${response.status}).`);
  const body = (await response.json()) as Partial<WaveformPeaks>;
  if (!Array.isArray(body.peaks) || !body.peaks.every((peak) => typeof peak === 'number')) throw new Error('The waveform file is not in the expected format.');
  return { sampleRate: Number(body.sampleRate) || 0, samplesPerPeak: Number(body.samplesPerPeak) || 0, peaks: body.peaks };
}

/** `peaks` folded (largest of each group) or stretched to exactly `bars` values, for one bar per column. */
export function barsOf(peaks: readonly number[], bars: number): number[] {
  if (bars <= 0 || peaks.length === 0) return [];
  return Array.from({ length: bars }, (_, bar) => {
    const from = Math.floor((bar * peaks.length) / bars);
    const to = Math.max(from + 1, Math.floor(((bar + 1) * peaks.length) / bars));
    let largest = 0;
    for (let i = from; i < to; i += 1) largest = Math.max(largest, Math.min(1, Math.abs(peaks[i])));
    return largest;
  });
}

/** Seconds of audio the peaks cover (0 when the file does not say). */
export const secondsOf = (waveform: WaveformPeaks): number =>
  waveform.sampleRate > 0 ? (waveform.peaks.length * waveform.samplesPerPeak) / waveform.sampleRate : 0;

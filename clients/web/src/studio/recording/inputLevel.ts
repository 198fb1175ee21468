import { levelOf } from './level';

/** How much of the last reading stays each tick, so short sounds stay visible long enough to read. */
const HOLD = 0.85;
const TICK_MS = 50;

/**
 * Measures the stream's input level with a Web Audio AnalyserNode (nothing is played back) and
 * reports it every TICK_MS, falling off gently after a peak. Returns the function that stops it.
 */
export function watchLevel(stream: MediaStream, onLevel: (level: number) => void): () => void {
  const audio = new AudioContext();
  void audio.resume();
  const source = audio.createMediaStreamSource(stream);
  const analyser = audio.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let shown = 0;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    const next = Math.max(levelOf(samples), Math.floor(shown * HOLD));
    if (next !== shown) onLevel((shown = next));
  }, TICK_MS);
  return () => {
    clearInterval(timer);
    source.disconnect();
    void audio.close();
  };
}

import { useEffect, useRef, useState } from 'react';
import { barsOf, loadPeaks, secondsOf, type WaveformPeaks } from './peaks';
import './waveform.css';

interface Props {
  /** The asset's signed `waveformUrl`. */
  url: string;
  /** 0..1 of the way through, drawn in the accent colour up to there (a player's position). */
  played?: number;
  height?: number;
}

const BAR = 3;
const GAP = 1;

/**
 * An asset's waveform peaks as bars on a canvas, as wide as its container. Shared by the studio
 * and the listener player; the canvas says how many bars it drew (data-bars) so a page can tell
 * a drawn waveform from an empty box, and how much of it is drawn as played (data-played).
 */
export function Waveform({ url, played = 0, height = 72 }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [waveform, setWaveform] = useState<WaveformPeaks | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [bars, setBars] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    setProblem(null);
    loadPeaks(url, abort.signal).then(setWaveform, (error: unknown) => {
      if (!abort.signal.aborted) setProblem(error instanceof Error && error.name !== 'TypeError' ? error.message : 'The waveform could not be loaded.');
    });
    return () => abort.abort();
  }, [url]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || !waveform) return;
    const draw = () => {
      const width = element.clientWidth || 600;
      const ratio = window.devicePixelRatio || 1;
      element.width = Math.round(width * ratio);
      element.height = Math.round(height * ratio);
      const context = element.getContext('2d');
      if (!context) return;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      const values = barsOf(waveform.peaks, Math.floor(width / (BAR + GAP)));
      const styles = getComputedStyle(element);
      values.forEach((value, i) => {
        const x = i * (BAR + GAP);
        const h = Math.max(1, value * height);
        context.fillStyle = x / width < played ? styles.getPropertyValue('--waveform-played') || '#6b4eff' : styles.getPropertyValue('--waveform-bar') || '#9aa3b5';
        context.fillRect(x, (height - h) / 2, BAR, h);
      });
      setBars(values.length);
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(element);
    return () => observer.disconnect();
  }, [waveform, played, height]);

  if (problem) return <p className="error" role="alert">{problem}</p>;
  const seconds = waveform ? Math.round(secondsOf(waveform)) : 0;
  return (
    <canvas
      ref={canvas}
      className="waveform"
      role="img"
      aria-label="Waveform"
      data-testid="waveform"
      data-bars={bars}
      data-played={played.toFixed(3)}
      style={{ height }}
      title={waveform ? `${seconds} s` : 'Loading the waveform…'}
    />
  );
}

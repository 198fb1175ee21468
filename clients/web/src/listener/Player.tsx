import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { clock } from './clock';
import type { ProgressReporter } from './progress';
import { WaveformSeek } from './WaveformSeek';

export interface PlayerProps {
  masterUrl: string;
  title: string;
  /** Where a previous session stopped: playback starts there. */
  resumeAt?: number | null;
  /** Told when playback starts, pauses and ends (the listener's position is kept with it). */
  progress?: ProgressReporter;
  /** The asset's waveform peaks: drawn under the controls as a seek bar. */
  waveformUrl?: string | null;
  /** The asset's length, until the audio says its own. */
  durationSeconds?: number | null;
}

/** Plays an HLS master playlist: hls.js over Media Source Extensions, or the browser's own HLS (Safari). */
export function Player({ masterUrl, title, resumeAt, progress, waveformUrl, durationSeconds }: PlayerProps) {
  const audio = useRef<HTMLAudioElement>(null);
  const [time, setTime] = useState(resumeAt ?? 0);
  const [duration, setDuration] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // both kept from the first render: a refetched episode brings a newly signed URL and a newer position, neither of which should restart playback
  const [source] = useState(masterUrl);
  const [peaks] = useState(waveformUrl);
  const [start] = useState(resumeAt && resumeAt > 0 ? resumeAt : 0);

  useEffect(() => {
    const element = audio.current;
    if (!element) return;
    setProblem(null);
    if (Hls.isSupported()) {
      // hls.js loads from the resume position rather than from the start
      const hls = new Hls({ startPosition: start > 0 ? start : -1 });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) setProblem(data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'The audio could not be loaded. Try again in a moment.' : 'This audio cannot be played in this browser.');
      });
      hls.loadSource(source);
      hls.attachMedia(element);
      return () => hls.destroy();
    }
    if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = source;
      return () => element.removeAttribute('src');
    }
    setProblem('This browser cannot play streaming audio.');
    return undefined;
  }, [source]);

  const toggle = async () => {
    const element = audio.current;
    if (!element) return;
    if (element.paused) {
      try {
        await element.play();
      } catch (error) {
        setProblem(`Playback did not start: ${(error as Error).message}`);
      }
    } else element.pause();
  };

  const seek = (seconds: number) => {
    if (audio.current) audio.current.currentTime = seconds;
    setTime(seconds);
  };

  return (
    <div className="player">
      <audio
        ref={audio}
        data-testid="player"
        aria-label={`Player: ${title}`}
        preload="metadata"
        onLoadedMetadata={(e) => {
          // the browser's own HLS (no startPosition): moved to the resume position once it knows the duration
          if (start > 0 && e.currentTarget.currentTime < 0.5) e.currentTarget.currentTime = start;
        }}
        onTimeUpdate={(e) => {
          setTime(e.currentTarget.currentTime);
          progress?.tick(e.currentTarget.currentTime);
        }}
        onDurationChange={(e) => setDuration(Number.isFinite(e.currentTarget.duration) ? e.currentTarget.duration : null)}
        onPlay={() => setPlaying(true)}
        // reported once playback really runs: by then a resumed episode stands at its resume position, not at 0
        onPlaying={(e) => progress?.playing(e.currentTarget.currentTime)}
        onPause={(e) => {
          setPlaying(false);
          // at the end the browser pauses first: that report is the completed one, below
          if (!e.currentTarget.ended) progress?.paused(e.currentTarget.currentTime);
        }}
        onEnded={(e) => progress?.ended(e.currentTarget.currentTime)}
      />
      <button type="button" onClick={toggle} aria-label={playing ? 'Pause' : 'Play'}>{playing ? '❚❚ Pause' : '▶ Play'}</button>
      <input type="range" aria-label="Position" min={0} max={duration ?? 0} step={0.1} value={time} onChange={(e) => seek(Number(e.target.value))} />
      <span className="muted" data-testid="player-time">{clock(time)}{duration ? ` / ${clock(duration)}` : ''}</span>
      {peaks && <WaveformSeek url={peaks} time={time} duration={duration ?? durationSeconds ?? 0} onSeek={seek} />}
      {start > 0 && (
        <span className="resume">
          <span data-testid="resume-from">Resume from {clock(start)}</span>{' '}
          <button type="button" className="plain" onClick={() => seek(0)}>Start over</button>
        </span>
      )}
      {problem && <p className="error" role="alert">{problem}</p>}
    </div>
  );
}

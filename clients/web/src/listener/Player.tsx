import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/** Plays an HLS master playlist: hls.js over Media Source Extensions, or the browser's own HLS (Safari). */
export function Player({ masterUrl, title }: { masterUrl: string; title: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const element = audio.current;
    if (!element) return;
    setProblem(null);
    if (Hls.isSupported()) {
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) setProblem(data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'The audio could not be loaded. Try again in a moment.' : 'This audio cannot be played in this browser.');
      });
      hls.loadSource(masterUrl);
      hls.attachMedia(element);
      return () => hls.destroy();
    }
    if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = masterUrl;
      return () => element.removeAttribute('src');
    }
    setProblem('This browser cannot play streaming audio.');
    return undefined;
  }, [masterUrl]);

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

  return (
    <div className="player">
      <audio
        ref={audio}
        data-testid="player"
        aria-label={`Player: ${title}`}
        preload="metadata"
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onDurationChange={(e) => setDuration(Number.isFinite(e.currentTarget.duration) ? e.currentTarget.duration : null)}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
      />
      <button type="button" onClick={toggle} aria-label={playing ? 'Pause' : 'Play'}>{playing ? '❚❚ Pause' : '▶ Play'}</button>
      <input
        type="range"
        aria-label="Position"
        min={0}
        max={duration ?? 0}
        step={0.1}
        value={time}
        onChange={(e) => {
          if (audio.current) audio.current.currentTime = Number(e.target.value);
        }}
      />
      <span className="muted" data-testid="player-time">{clock(time)}{duration ? ` / ${clock(duration)}` : ''}</span>
      {problem && <p className="error" role="alert">{problem}</p>}
    </div>
  );
}

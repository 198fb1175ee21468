import type { KeyboardEvent, MouseEvent } from 'react';
import { Waveform } from '../media/Waveform';
import { clock } from './clock';
import { secondsAfterKey, secondsAt } from './seek';

interface Props {
  url: string;
  /** The player's position and the audio's length, in seconds (duration 0 until known). */
  time: number;
  duration: number;
  onSeek(seconds: number): void;
}

/**
 * The episode's waveform as the player's seek bar: the played part follows the position, a
 * click moves the position there, and the arrow keys move it by five seconds.
 */
export function WaveformSeek({ url, time, duration, onSeek }: Props) {
  const known = duration > 0;
  const click = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const seconds = secondsAt(event.clientX - box.left, box.width, duration);
    if (seconds !== null) onSeek(seconds);
  };
  const key = (event: KeyboardEvent<HTMLDivElement>) => {
    const seconds = secondsAfterKey(event.key, time, duration);
    if (seconds === null) return;
    event.preventDefault();
    onSeek(seconds);
  };
  return (
    <div
      className="waveform-seek"
      role="slider"
      tabIndex={0}
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(time)}
      aria-valuetext={known ? `${clock(time)} of ${clock(duration)}` : clock(time)}
      aria-disabled={!known}
      onClick={click}
      onKeyDown={key}
    >
      <Waveform url={url} played={known ? Math.min(1, time / duration) : 0} />
    </div>
  );
}

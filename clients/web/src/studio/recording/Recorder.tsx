import { useEffect, useState } from 'react';
import { LevelMeter } from './LevelMeter';
import { useRecording, type RecordingPhase } from './useRecording';
import './recording.css';

const clock = (ms: number) => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** Elapsed recording time, ticking while recording and frozen once stopped. */
function Elapsed({ phase }: { phase: RecordingPhase }) {
  const [now, setNow] = useState(Date.now());
  const recording = phase.kind === 'recording';
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [recording]);
  if (phase.kind === 'recording') return <span data-testid="recording-elapsed">{clock(now - phase.startedAt)}</span>;
  if (phase.kind === 'finishing') return <span data-testid="recording-elapsed">{clock(phase.stoppedAt - phase.startedAt)}</span>;
  return null;
}

/**
 * Records the episode's media in the browser: Record asks for the microphone and starts a
 * session, chunks are stored as they are recorded, Stop finishes the session and hands its asset
 * to `onAsset` (the studio follows its processing from there).
 */
export function Recorder({ episodeId, onAsset }: { episodeId: string; onAsset(assetId: string): void }) {
  const { phase, level, chunks, trouble, start, stop, finish } = useRecording(episodeId, onAsset);
  const active = phase.kind === 'recording' || phase.kind === 'finishing';
  return (
    <div className="recorder" role="group" aria-label="Recorder">
      <span className="recorder-label">Or record from the microphone:</span>
      {phase.kind === 'recording' ? (
        <button type="button" className="stop" onClick={stop}>Stop</button>
      ) : (
        <button type="button" className="record" onClick={() => void start()} disabled={phase.kind === 'starting' || phase.kind === 'finishing'}>
          {phase.kind === 'finished' ? 'Record again' : 'Record'}
        </button>
      )}
      {phase.kind === 'starting' && <span className="muted"> Opening the microphone…</span>}
      {active && (
        <div className="recording-status">
          <span className={phase.kind === 'recording' ? 'rec-dot on' : 'rec-dot'} aria-hidden="true" />
          <Elapsed phase={phase} />
          <LevelMeter level={level} />
        </div>
      )}
      {(active || phase.kind === 'finished' || chunks > 0) && (
        <p className="muted">
          <span data-testid="chunk-count">{chunks === 1 ? '1 chunk stored' : `${chunks} chunks stored`}</span>
          {phase.kind === 'finishing' && ' · finishing the recording…'}
          {phase.kind === 'finished' && ` · recorded ${phase.seconds} s`}
        </p>
      )}
      {trouble && phase.kind !== 'failed' && <p className="error" role="alert">{trouble}</p>}
      {phase.kind === 'failed' && (
        <p className="error" role="alert">
          {phase.message}
          {phase.canFinish && <> <button type="button" onClick={() => void finish()}>Finish again</button></>}
        </p>
      )}
    </div>
  );
}

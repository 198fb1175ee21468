import { useMemo, useRef } from 'react';
import { useMutation } from 'urql';
import { RecordPlayDocument } from '@wavegraph/client/documents';

/** How often a playing episode's position is reported. */
export const REPORT_EVERY_MS = 10_000;
const CLIENT_APP = 'Wavegraph Web';

export interface ProgressReporter {
  /** Playback started: reported at once (the first report of a session counts as a play). */
  playing(position: number): void;
  /** The position moved while playing: reported when the last report is REPORT_EVERY_MS old. */
  tick(position: number): void;
  /** Paused: the position is reported. */
  paused(position: number): void;
  /** The end: reported as completed. */
  ended(position: number): void;
}

/**
 * Reports a signed-in listener's position with RecordPlay when an episode starts playing, every
 * REPORT_EVERY_MS while it plays, on pause and at the end, so the next visit resumes there.
 * Undefined for a signed-out listener (nothing to report to).
 */
export function useProgressReporter(episodeId: string, signedIn: boolean): ProgressReporter | undefined {
  const [, recordPlay] = useMutation(RecordPlayDocument);
  const state = useRef({ playing: false, lastAt: 0 });

  return useMemo(() => {
    if (!signedIn) return undefined;
    const report = (position: number, completed = false) => {
      state.current.lastAt = Date.now();
      // a report that does not get through needs no message: the next one carries the position again
      void recordPlay({ episodeId, positionSeconds: Math.max(0, Math.floor(position)), completed, clientApp: CLIENT_APP });
    };
    return {
      playing(position) {
        state.current.playing = true;
        report(position);
      },
      tick(position) {
        if (state.current.playing && Date.now() - state.current.lastAt >= REPORT_EVERY_MS) report(position);
      },
      paused(position) {
        state.current.playing = false;
        report(position);
      },
      ended(position) {
        state.current.playing = false;
        report(position, true);
      },
    };
  }, [episodeId, signedIn, recordPlay]);
}

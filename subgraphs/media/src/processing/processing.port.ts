/** What the API side needs from processing: start (or restart) the flow of an asset. */
export interface ProcessingStarter {
  /** Queues the processing flow for the asset's current run; steps already DONE are skipped. */
  start(assetId: string): Promise<void>;
  /** Runs the `transcribe` step alone again for a READY asset (a new language); the asset stays READY meanwhile. */
  transcribe(assetId: string): Promise<void>;
}

/**
 * The steps of a flow, in order. `thumbnail` is SKIPPED for audio-only sources; `transcribe`
 * never fails the asset (a transcript that could not be made is recorded as such).
 */
export const STEPS = ['probe', 'loudness', 'renditions', 'hls', 'waveform', 'thumbnail', 'transcribe'] as const;
export type StepName = (typeof STEPS)[number];

/** What the API side needs from processing: start (or restart) the flow of an asset. */
export interface ProcessingStarter {
  /** Queues the processing flow for the asset's current run; steps already DONE are skipped. */
  start(assetId: string): Promise<void>;
}

/**
 * The steps of a flow, in order. `video` and `storyboard` are SKIPPED for audio-only sources,
 * `thumbnail` when the source has no picture at all.
 */
export const STEPS = ['probe', 'loudness', 'renditions', 'video', 'hls', 'waveform', 'thumbnail', 'storyboard'] as const;
export type StepName = (typeof STEPS)[number];

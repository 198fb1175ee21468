/** What the API side needs from processing: start (or restart) the flow of an asset. */
export interface ProcessingStarter {
  /** Queues the processing flow for the asset's current run; steps already DONE are skipped. */
  start(assetId: string): Promise<void>;
  /** Runs the `transcribe` step alone again for a READY asset (a new language); the asset stays READY meanwhile. */
  transcribe(assetId: string): Promise<void>;
}

/**
 * The steps of a flow, in order. `synthesize` is SKIPPED for uploaded sources (it makes the
 * source of an asset created from a script); `video` and `storyboard` are SKIPPED for
 * audio-only sources, `thumbnail` when the source has no picture at all; `transcribe` never
 * fails the asset (a transcript that could not be made is recorded as such).
 */
export const STEPS = ['synthesize', 'probe', 'loudness', 'renditions', 'video', 'hls', 'waveform', 'thumbnail', 'storyboard', 'transcribe'] as const;
export type StepName = (typeof STEPS)[number];

/** What setting chapters needs from processing: re-mux an asset's renditions with the episode's current chapter marks. */
export interface ChaptersEmbedder {
  /** Queues the (small, re-encode-free) job; it does nothing once the renditions carry the current chapters. */
  embedChapters(assetId: string): Promise<void>;
}

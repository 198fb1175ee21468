/** What processing wrote for an asset (media_assets.outputs); only committed objects appear here. */
export interface AssetOutputs {
  /** Loudness-normalised master (FLAC) the later steps read. */
  normalizedKey?: string;
  renditions?: Rendition[];
  hls?: { masterKey: string; variants: { name: string; bitrateKbps: number; playlistKey: string }[] };
  /** JSON: { "samplesPerPeak": n, "peaks": [0..1, ...] } */
  waveformKey?: string;
  /** JPEG, video sources only. */
  thumbnailKey?: string;
  /** What the transcribe step (or a later edit) made; the files exist when status is READY. */
  transcript?: { status: 'PENDING' | 'READY' | 'FAILED' | 'UNSUPPORTED'; vttKey?: string; srtKey?: string; jsonKey?: string };
  /** The revision of the episode's chapters the renditions carry as chapter marks (absent: none were set when they were made). */
  chaptersRevision?: number;
  /**
   * Audio made from a script: JSON `{ language, segments: [{ startSeconds, endSeconds, text }] }`,
   * the sentences with their times in the audio. The transcribe step uses it instead of recognition.
   */
  scriptTimingsKey?: string;
}

export interface Rendition {
  /** e.g. "aac-128" */
  name: string;
  bitrateKbps: number;
  mimeType: string;
  key: string;
  sizeBytes: number;
}

/** Where an asset's objects live; every key of an asset starts with assetPrefix(id). */
export const assetPrefix = (assetId: string): string => `assets/${assetId}/`;
export const sourceKey = (assetId: string): string => `${assetPrefix(assetId)}source`;
/** Beside the source it describes (not in a run folder: it lives as long as the source). */
export const scriptTimingsKey = (assetId: string): string => `${assetPrefix(assetId)}script-timings.json`;

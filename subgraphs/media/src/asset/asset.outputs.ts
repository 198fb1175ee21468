/** What processing wrote for an asset (media_assets.outputs); only committed objects appear here. */
export interface AssetOutputs {
  /** Loudness-normalised master (FLAC) the later steps read. */
  normalizedKey?: string;
  renditions?: Rendition[];
  hls?: { masterKey: string; variants: { name: string; bitrateKbps: number; playlistKey: string }[] };
  /** JSON: { "samplesPerPeak": n, "peaks": [0..1, ...] } */
  waveformKey?: string;
  /** JPEG, 640 wide at most: a video's frame, or an audio file's cover art. */
  thumbnailKey?: string;
  /** The H.264 ladder of a video source: one HLS media playlist per variant, below the HLS folder. */
  video?: { variants: VideoVariant[] };
  /** JPEG poster of a video, full resolution up to 1080 lines on the short side. */
  posterKey?: string;
  /** Thumbnails every `intervalSeconds` in one sprite, and a WebVTT track pointing into it. */
  storyboard?: Storyboard;
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

export interface VideoVariant {
  /** The short side in lines, e.g. "720p" */
  name: string;
  width: number;
  height: number;
  frameRate: number;
  /** Target bitrate of video and audio together (the video rung's plus the AAC's) */
  bitrateKbps: number;
  /** RFC 6381 codecs of the stream as encoded, e.g. "avc1.640028,mp4a.40.2" */
  codecs: string;
  playlistKey: string;
  /** Peak and average segment bitrate, measured (bits/s) */
  bandwidth: number;
  averageBandwidth: number;
}

export interface Storyboard {
  spriteKey: string;
  vttKey: string;
  intervalSeconds: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  count: number;
}

export interface Rendition {
  /** e.g. "aac-128" */
  name: string;
  bitrateKbps: number;
  mimeType: string;
  key: string;
  sizeBytes: number;
}

/** What events tell other contexts of the renditions: no storage keys. */
export const renditionFacts = (renditions: readonly Rendition[]): Array<Pick<Rendition, 'name' | 'mimeType' | 'sizeBytes'>> =>
  renditions.map(({ name, mimeType, sizeBytes }) => ({ name, mimeType, sizeBytes }));

/** Where an asset's objects live; every key of an asset starts with assetPrefix(id). */
export const assetPrefix = (assetId: string): string => `assets/${assetId}/`;
export const sourceKey = (assetId: string): string => `${assetPrefix(assetId)}source`;
/** Beside the source it describes (not in a run folder: it lives as long as the source). */
export const scriptTimingsKey = (assetId: string): string => `${assetPrefix(assetId)}script-timings.json`;

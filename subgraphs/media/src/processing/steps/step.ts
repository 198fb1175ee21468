import type { EntityManager } from 'typeorm';
import type { AssetOutputs } from '../../asset/asset.outputs';
import { assetPrefix } from '../../asset/asset.outputs';
import type { ChapterSet } from '../../chapter/chapter.store';
import type { MediaStorage } from '../../storage/storage.port';
import type { StoredScript } from '../../tts/script.store';
import type { AssetColumns, AssetRow } from '../processing.store';

/** What a step gets: the asset as the database has it, a private temp dir, and where to report. */
export interface StepContext {
  asset: AssetRow;
  storage: MediaStorage;
  /** Removed after the attempt, whatever happens; nothing in it is visible to anyone. */
  workDir: string;
  /** 0..1 of this step's work. */
  progress(fraction: number): void;
  signal?: AbortSignal;
  /** Copies an object into workDir (once per attempt) and returns the local path. */
  fetch(key: string): Promise<string>;
  /** Objects a committed output replaced: kept while signed URLs for them may be out, then removed (storage/retired.ts). */
  retire(prefixes: readonly string[]): Promise<void>;
  /** No retry follows if this attempt fails: a step whose failure must not fail the asset records it instead (unset: a retry may follow). */
  finalAttempt?: boolean;
  reads: StepReads;
}

/** What a step may read besides the asset row; the runner answers from the database. */
export interface StepReads {
  /** The chapters of the asset's episode as they are now (null: none were ever set). */
  chapters(): Promise<ChapterSet | null>;
  /** The script the asset is made from (null: its source was uploaded). */
  script(): Promise<StoredScript | null>;
  /** The language the episode's transcript is in (BCP 47; its creator's choice, en-US by default). */
  language(): Promise<string>;
}

export interface StepFile {
  key: string;
  path: string;
  contentType: string;
}

/**
 * What a step produced. The runner commits `files` in order (each all-or-nothing), and only
 * then merges `outputs` and `columns` into the asset — so what `outputs` points at always
 * exists in full.
 */
export interface StepOutput {
  files: StepFile[];
  outputs?: AssetOutputs;
  columns?: AssetColumns;
  /** The step does not apply to this asset (no picture for a thumbnail). */
  skipped?: boolean;
  /** Rows of the step's own (a transcript and its event), written in the transaction that completes the step. */
  commit?(tx: EntityManager, asset: AssetRow): Promise<void>;
  /** Once that transaction committed: best-effort tidying (files of what the commit replaced). */
  afterCommit?(): Promise<void>;
}

export interface StepDefinition {
  run(context: StepContext): Promise<StepOutput>;
  /** For a step the database calls DONE: are its objects still there? If not it runs again. */
  outputsExist(asset: AssetRow, storage: MediaStorage): Promise<boolean>;
}

/**
 * Where processing writes: below the asset's prefix (deleting an asset is one prefix), in a
 * folder per run. A retry within a run overwrites the same keys; a job of an older run still
 * busy after a new run started can only write where nothing points (see cleanup at finalize).
 */
export const runPrefix = (asset: Pick<AssetRow, 'id' | 'run'>): string => `${assetPrefix(asset.id)}run-${asset.run}/`;
export const outputKeys = {
  normalized: (asset: AssetRow) => `${runPrefix(asset)}normalized.flac`,
  rendition: (asset: AssetRow, name: string) => `${runPrefix(asset)}renditions/${name}.m4a`,
  hlsDir: (asset: AssetRow) => `${runPrefix(asset)}hls/`,
  waveform: (asset: AssetRow) => `${runPrefix(asset)}waveform.json`,
  thumbnail: (asset: AssetRow) => `${runPrefix(asset)}thumbnail.jpg`,
  poster: (asset: AssetRow) => `${runPrefix(asset)}poster.jpg`,
  storyboardSprite: (asset: AssetRow) => `${runPrefix(asset)}storyboard/sprite.jpg`,
  storyboardVtt: (asset: AssetRow) => `${runPrefix(asset)}storyboard/storyboard.vtt`,
};

export async function allExist(storage: MediaStorage, keys: (string | undefined)[]): Promise<boolean> {
  if (keys.length === 0 || keys.some((key) => !key)) return false;
  const found = await Promise.all(keys.map((key) => storage.stat(key as string)));
  return found.every(Boolean);
}

/** The uploaded file; processing is only started once it is complete. */
export function sourceOf(asset: AssetRow): string {
  if (!asset.source_key) throw new Error(`asset ${asset.id} has no source yet`);
  return asset.source_key;
}

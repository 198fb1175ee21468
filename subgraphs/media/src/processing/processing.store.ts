import type { DataSource, EntityManager } from 'typeorm';
import type { AssetOutputs } from '../asset/asset.outputs';
import type { StepName } from './processing.port';

/** Plain SQL on media_assets/media_steps: the worker needs a few columns, not the API's entities. */
type Db = DataSource | EntityManager;

export interface AssetRow {
  id: string;
  episode_id: string;
  owner_id: string;
  status: 'AWAITING_UPLOAD' | 'PROCESSING' | 'READY' | 'FAILED' | 'DELETED';
  source_key: string | null;
  duration_seconds: number | null;
  has_video: boolean | null;
  channels: number | null;
  width: number | null;
  height: number | null;
  frame_rate: number | null;
  integrated_lufs: number | null;
  true_peak_dbtp: number | null;
  outputs: AssetOutputs;
  run: number;
}

export type StepStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED' | 'SKIPPED';

export interface StepRow {
  step: StepName;
  status: StepStatus;
  progress: number;
  attempts: number;
  reason: string | null;
}

/** Columns a step may set on its asset; names are fixed here, never taken from input. */
export interface AssetColumns {
  source_key?: string;
  source_sha256?: string;
  source_size?: number;
  duration_seconds?: number;
  codec?: string;
  channels?: number;
  sample_rate?: number;
  has_video?: boolean;
  width?: number;
  height?: number;
  frame_rate?: number;
  input_lufs?: number;
  integrated_lufs?: number;
  true_peak_dbtp?: number;
}
const COLUMN_NAMES: readonly (keyof AssetColumns)[] = [
  'source_key', 'source_sha256', 'source_size', 'duration_seconds', 'codec', 'channels', 'sample_rate', 'has_video', 'width', 'height', 'frame_rate',
  'input_lufs', 'integrated_lufs', 'true_peak_dbtp',
];

export async function loadAsset(db: Db, assetId: string, lock = false): Promise<AssetRow | null> {
  const rows: AssetRow[] = await db.query(
    `SELECT id, episode_id, owner_id, status, source_key, duration_seconds, has_video, channels,
            width, height, frame_rate, integrated_lufs, true_peak_dbtp, outputs, run
       FROM media_assets WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [assetId],
  );
  return rows[0] ?? null;
}

/** A job belongs to the asset's current run unless the asset moved on (new run) or went away. */
export const isCurrentRun = (asset: AssetRow | null, run: number): asset is AssetRow =>
  asset !== null && asset.run === run && asset.status !== 'DELETED' && asset.status !== 'FAILED';

export async function loadSteps(db: Db, assetId: string): Promise<StepRow[]> {
  return db.query('SELECT step, status, progress, attempts, reason FROM media_steps WHERE asset_id = $1', [assetId]);
}

/** Counts the attempt before any work starts, so a killed attempt is counted too. */
export async function markRunning(db: Db, assetId: string, step: StepName): Promise<void> {
  await db.query(
    `INSERT INTO media_steps (asset_id, step, status, progress, attempts, started_at)
     VALUES ($1, $2, 'RUNNING', 0, 1, now())
     ON CONFLICT (asset_id, step) DO UPDATE
       SET status = 'RUNNING', progress = 0, attempts = media_steps.attempts + 1, reason = NULL,
           started_at = now(), finished_at = NULL`,
    [assetId, step],
  );
}

export async function saveProgress(db: Db, assetId: string, step: StepName, progress: number): Promise<void> {
  await db.query("UPDATE media_steps SET progress = GREATEST(progress, $3) WHERE asset_id = $1 AND step = $2 AND status = 'RUNNING'", [assetId, step, progress]);
}

/** An attempt failed and BullMQ will retry it: the step waits again, its reason stays visible. */
export async function markRetrying(db: Db, assetId: string, step: StepName, reason: string): Promise<void> {
  await db.query("UPDATE media_steps SET status = 'PENDING', reason = $3 WHERE asset_id = $1 AND step = $2", [assetId, step, reason]);
}

/**
 * Makes a step's committed objects visible: in one transaction the step becomes DONE (or
 * SKIPPED) and its part is merged into the asset. Returns false when the run moved on meanwhile.
 */
export async function completeStep(
  dataSource: DataSource,
  assetId: string,
  run: number,
  step: StepName,
  result: { outputs?: AssetOutputs; columns?: AssetColumns; skipped?: boolean; commit?(tx: EntityManager, asset: AssetRow): Promise<void> },
): Promise<boolean> {
  return dataSource.transaction(async (tx) => {
    const asset = await loadAsset(tx, assetId, true);
    if (!isCurrentRun(asset, run)) return false;
    await result.commit?.(tx, asset);
    const columns = COLUMN_NAMES.filter((name) => result.columns?.[name] !== undefined);
    const sets = columns.map((name, i) => `, ${name} = $${i + 3}`).join('');
    await tx.query(`UPDATE media_assets SET outputs = outputs || $2::jsonb, updated_at = now()${sets} WHERE id = $1`, [
      assetId,
      JSON.stringify(result.outputs ?? {}),
      ...columns.map((name) => result.columns?.[name]),
    ]);
    await tx.query(
      `UPDATE media_steps SET status = $3, progress = 100, reason = NULL, finished_at = now() WHERE asset_id = $1 AND step = $2`,
      [assetId, step, result.skipped ? 'SKIPPED' : 'DONE'],
    );
    return true;
  });
}

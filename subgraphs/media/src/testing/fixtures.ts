import { randomUUID } from 'node:crypto';
import type { AssetOutputs } from '../asset/asset.outputs';
import { STEPS } from '../processing/processing.port';
import type { MediaHarness } from './harness';

export interface SeedAsset {
  episodeId?: string;
  ownerId?: string;
  status?: 'AWAITING_UPLOAD' | 'PROCESSING' | 'READY' | 'FAILED' | 'DELETED';
  outputs?: AssetOutputs;
  hasVideo?: boolean;
  /** Seconds before now, to order assets of one episode. */
  ageSeconds?: number;
  failedStep?: string | null;
  failureReason?: string | null;
  sourceKey?: string | null;
  /** Step name → status (and progress); unlisted steps are DONE for READY assets, PENDING otherwise. */
  steps?: Record<string, { status: string; progress?: number; reason?: string }>;
}

/** Writes an asset the way processing would have left it, straight into the database. */
export async function seedAsset(h: MediaHarness, seed: SeedAsset = {}): Promise<string> {
  const status = seed.status ?? 'READY';
  const [row] = (await h.running.db.dataSource.query(
    `INSERT INTO media_assets (episode_id, owner_id, status, mime_type, outputs, has_video, duration_seconds, codec, channels, sample_rate,
       input_lufs, integrated_lufs, true_peak_dbtp, failed_step, failure_reason, source_key, created_at, updated_at, ready_at)
     VALUES ($1, $2, $3, 'audio/mpeg', $4, $5, 61.5, 'mp3', 2, 44100, -20.1, -16.0, -1.2, $6, $7, $8,
       now() - make_interval(secs => $9), now() - make_interval(secs => $9), CASE WHEN $3 = 'READY' THEN now() END)
     RETURNING id`,
    [
      seed.episodeId ?? randomUUID(), seed.ownerId ?? randomUUID(), status, JSON.stringify(seed.outputs ?? {}), seed.hasVideo ?? false,
      seed.failedStep ?? null, seed.failureReason ?? null, seed.sourceKey === undefined ? 'assets/x/source' : seed.sourceKey, seed.ageSeconds ?? 0,
    ],
  )) as { id: string }[];
  for (const step of STEPS) {
    const given = seed.steps?.[step];
    await h.running.db.dataSource.query('INSERT INTO media_steps (asset_id, step, status, progress, reason, attempts) VALUES ($1, $2, $3, $4, $5, 1)', [
      row.id, step, given?.status ?? (status === 'READY' ? 'DONE' : 'PENDING'), given?.progress ?? (status === 'READY' ? 100 : 0), given?.reason ?? null,
    ]);
  }
  return row.id;
}

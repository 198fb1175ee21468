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
  /** What catalog told us of the episode, when it told us nothing yet (PUBLISHED by default; null: nothing). */
  episodeStatus?: string | null;
  /** Step name → status (and progress); unlisted steps are DONE for READY assets, PENDING otherwise. */
  steps?: Record<string, { status: string; progress?: number; reason?: string }>;
}

/** What catalog's events would have told media of an episode, unless they already did. */
export async function seedKnownEpisode(h: MediaHarness, episodeId: string, ownerId: string, status = 'PUBLISHED'): Promise<void> {
  await h.running.db.dataSource.query(
    'INSERT INTO known_episodes (episode_id, show_id, owner_id, status, position) VALUES ($1, $2, $3, $4, 0) ON CONFLICT (episode_id) DO NOTHING',
    [episodeId, randomUUID(), ownerId, status],
  );
}

/** Writes an asset the way processing would have left it, straight into the database. */
export async function seedAsset(h: MediaHarness, seed: SeedAsset = {}): Promise<string> {
  const status = seed.status ?? 'READY';
  const episodeId = seed.episodeId ?? randomUUID();
  const ownerId = seed.ownerId ?? randomUUID();
  // media shows an asset only as its episode's visibility allows: the episode must be known
  if (seed.episodeStatus !== null) await seedKnownEpisode(h, episodeId, ownerId, seed.episodeStatus ?? 'PUBLISHED');
  const [row] = (await h.running.db.dataSource.query(
    `INSERT INTO media_assets (episode_id, owner_id, status, mime_type, outputs, has_video, duration_seconds, codec, channels, sample_rate,
       input_lufs, integrated_lufs, true_peak_dbtp, failed_step, failure_reason, source_key, created_at, updated_at, ready_at)
     VALUES ($1, $2, $3, 'audio/mpeg', $4, $5, 61.5, 'mp3', 2, 44100, -20.1, -16.0, -1.2, $6, $7, $8,
       now() - make_interval(secs => $9), now() - make_interval(secs => $9), CASE WHEN $3 = 'READY' THEN now() END)
     RETURNING id`,
    [
      episodeId, ownerId, status, JSON.stringify(seed.outputs ?? {}), seed.hasVideo ?? false,
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

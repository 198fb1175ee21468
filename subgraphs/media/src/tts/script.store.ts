import type { DataSource, EntityManager } from 'typeorm';

/** What an asset made from text is synthesised from. */
export interface StoredScript {
  voice: string;
  text: string;
}

export async function scriptOf(db: DataSource | EntityManager, assetId: string): Promise<StoredScript | null> {
  const [row]: { voice: string; script: string }[] = await db.query('SELECT voice, script FROM media_scripts WHERE asset_id = $1', [assetId]);
  return row ? { voice: row.voice, text: row.script } : null;
}

export async function saveScript(db: DataSource | EntityManager, assetId: string, script: StoredScript, by: string): Promise<void> {
  await db.query('INSERT INTO media_scripts (asset_id, voice, script, created_by) VALUES ($1, $2, $3, $4)', [assetId, script.voice, script.text, by]);
}

import { isUuid } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { StoredChapter } from './chapter.rules';

type Db = DataSource | EntityManager;

/** An episode's chapters as last replaced; `revision` counts the replacements. */
export interface ChapterSet {
  episodeId: string;
  revision: number;
  chapters: StoredChapter[];
}

interface Row {
  episode_id: string;
  revision: number;
  chapters: StoredChapter[];
}

const toSet = (row: Row): ChapterSet => ({ episodeId: row.episode_id, revision: row.revision, chapters: row.chapters });

/** The chapter sets of many episodes, one query (episodes without chapters are absent). */
export async function chapterSetsOf(db: Db, episodeIds: readonly string[]): Promise<ChapterSet[]> {
  const ids = episodeIds.filter(isUuid).map((id) => id.toLowerCase());
  if (!ids.length) return [];
  const rows: Row[] = await db.query('SELECT episode_id, revision, chapters FROM episode_chapters WHERE episode_id = ANY($1::uuid[])', [ids]);
  return rows.map(toSet);
}

export async function chapterSetOf(db: Db, episodeId: string): Promise<ChapterSet | null> {
  return (await chapterSetsOf(db, [episodeId]))[0] ?? null;
}

/** Replaces an episode's chapters as a whole (one row), returning the new revision. */
export async function replaceChapters(db: Db, episodeId: string, chapters: readonly StoredChapter[], by: string): Promise<ChapterSet> {
  const [row]: Row[] = await db.query(
    `INSERT INTO episode_chapters (episode_id, revision, chapters, updated_by) VALUES ($1, 1, $2::jsonb, $3)
     ON CONFLICT (episode_id) DO UPDATE
       SET revision = episode_chapters.revision + 1, chapters = EXCLUDED.chapters, updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING episode_id, revision, chapters`,
    [episodeId, JSON.stringify(chapters), by],
  );
  return toSet(row);
}

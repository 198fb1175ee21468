import type { Viewer } from '@wavegraph/auth';
import { EpisodeCreated, EpisodePublished } from '@wavegraph/events';
import { badInput, isUuid, rethrowAsConflict, unauthenticated } from '@wavegraph/kit';
import { GraphQLError } from 'graphql';
import type { DataSource, EntityManager } from 'typeorm';
import { recordEpisodeEvent } from '../events/catalog.events';
import type { Show } from '../show/show.entity';
import { Episode, EpisodeStatus, episodeGuid } from './episode.entity';
import { MAX_IMPORT_EPISODES, type ImportEpisodeInput } from './episode.import.types';
import { NUMBER_TAKEN, type EpisodeService } from './episode.service';
import { validNewEpisode, type NewEpisodeFields } from './episode.validation';
import { markPublished } from './episode.workflow';

export interface ImportedRow {
  episode: Episode;
  created: boolean;
}

interface ValidRow {
  fields: NewEpisodeFields & { guid: string };
  publishedAt: Date | null;
}

/** A refusal of one row names it: extensions.row is its index in `episodes` (0-based), beside the usual code and field. */
function atRow(row: number, error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  return new GraphQLError(`episodes[${row}]: ${error.message}`, { extensions: { ...error.extensions, row } });
}

/**
 * A feed's episodes into a show, many per call (ingest's path): one transaction, idempotent by
 * guid on the `episodes_guid_key` index (an episode the show already has under that guid is
 * returned untouched), each new row recorded as createEpisode records it (EpisodeCreated) and,
 * imported as published, as publishing does (EpisodePublished, publishedAt the feed's date).
 */
export class EpisodeImport {
  constructor(
    private readonly dataSource: DataSource,
    private readonly episodes: EpisodeService,
  ) {}

  async importMany(viewer: Viewer | null, showId: string, rows: readonly ImportEpisodeInput[]): Promise<ImportedRow[]> {
    if (!viewer) throw unauthenticated();
    if (!isUuid(showId)) throw badInput('showId is not a valid id', 'showId');
    if (rows.length > MAX_IMPORT_EPISODES) throw badInput(`At most ${MAX_IMPORT_EPISODES} episodes per call (got ${rows.length})`, 'episodes');
    const valid = validRows(showId, rows);
    const show = await this.episodes.requireManagedShow(viewer, showId.toLowerCase());
    if (!valid.length) return [];
    return this.dataSource.transaction(async (tx) => {
      const created = new Set<string>();
      for (const [index, row] of valid.entries()) {
        try {
          if (await insertDraft(tx, show.id, row.fields)) created.add(row.fields.guid);
        } catch (error) {
          try {
            rethrowAsConflict(error, NUMBER_TAKEN);
          } catch (refusal) {
            throw atRow(index, refusal);
          }
        }
      }
      const byGuid = await episodesByGuid(tx, show.id, valid.map((row) => row.fields.guid));
      // undated items a millisecond apart, in input order: "newest first" lists keep the feed's order
      const now = Date.now();
      const imported: ImportedRow[] = [];
      for (const [index, row] of valid.entries()) {
        let episode = byGuid.get(row.fields.guid) as Episode;
        if (created.has(row.fields.guid)) episode = await this.record(tx, show, episode, rows[index].published ? (row.publishedAt ?? new Date(now - valid.length + index)) : null);
        imported.push({ episode, created: created.has(row.fields.guid) });
      }
      return imported;
    });
  }

  private async record(tx: EntityManager, show: Show, draft: Episode, publishedAt: Date | null): Promise<Episode> {
    await recordEpisodeEvent(tx, EpisodeCreated, draft, show.ownerId);
    if (!publishedAt) return draft;
    const published = await tx.save(markPublished(draft, publishedAt));
    await recordEpisodeEvent(tx, EpisodePublished, published, show.ownerId);
    return published;
  }
}

/** Every row as createEpisode validates it (a guid is required here, once per call); the first bad one refuses the call. */
function validRows(showId: string, rows: readonly ImportEpisodeInput[]): ValidRow[] {
  const seen = new Set<string>();
  return rows.map((row, index) => {
    try {
      const fields = validNewEpisode({ ...row, showId });
      if (fields.guid === null) throw badInput('guid is required', 'guid');
      if (seen.has(fields.guid)) throw badInput('guid appears twice in this call', 'guid');
      seen.add(fields.guid);
      const at = row.publishedAt ?? null;
      if (at && Number.isNaN(at.getTime())) throw badInput('publishedAt is not a valid date', 'publishedAt');
      // a pubDate in the future is a feed's mistake, not a schedule: the episode is public now
      return { fields: { ...fields, guid: fields.guid }, publishedAt: at && at.getTime() > Date.now() ? new Date() : at };
    } catch (error) {
      throw atRow(index, error);
    }
  });
}

/** True when inserted; false when the show has an episode with this guid already (left as it is). */
async function insertDraft(tx: EntityManager, showId: string, fields: ValidRow['fields']): Promise<boolean> {
  const inserted: unknown[] = await tx.query(
    `INSERT INTO episodes (show_id, status, guid, title, description, season_number, episode_number, episode_type, explicit, people, access)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)
     ON CONFLICT (show_id, (COALESCE(guid, id::text))) DO NOTHING RETURNING id`,
    [showId, EpisodeStatus.DRAFT, fields.guid, fields.title, fields.description, fields.seasonNumber, fields.episodeNumber, fields.episodeType, fields.explicit, JSON.stringify(fields.people), fields.access],
  );
  return inserted.length > 0;
}

async function episodesByGuid(tx: EntityManager, showId: string, guids: string[]): Promise<Map<string, Episode>> {
  const found = await tx
    .getRepository(Episode)
    .createQueryBuilder('e')
    .where('e.show_id = :showId AND COALESCE(e.guid, e.id::text) IN (:...guids)', { showId, guids })
    .getMany();
  return new Map(found.map((episode) => [episodeGuid(episode), episode]));
}

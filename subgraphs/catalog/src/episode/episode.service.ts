import { type Viewer, canManage } from '@wavegraph/auth';
import { badInput, forbidden, isUuid, notFound, requireUuid, unauthenticated, type TimeCursor } from '@wavegraph/kit';
import { EpisodeCreated, EpisodeUpdated } from '@wavegraph/events';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { recordEpisodeEvent } from '../events/catalog.events';

import { rethrowAsConflict } from '@wavegraph/kit';
import type { Show } from '../show/show.entity';
import type { ShowService } from '../show/show.service';
import { Episode, EpisodeStatus, episodeSortSql, episodeSortTime } from './episode.entity';
import { canSeeEpisode } from './episode.policy';
import { validEpisodeChanges, validNewEpisode, type EpisodeChangesInput, type NewEpisodeInput } from './episode.validation';

export const NUMBER_TAKEN = {
  episodes_number_key: { field: 'episodeNumber', message: 'This show already has an episode with this season and episode number' },
  episodes_guid_key: { field: 'guid', message: 'This show already has an episode with this guid' },
};

/** Reads and edits of episodes; status changes live in EpisodeWorkflow. */
export class EpisodeService {
  readonly repo: Repository<Episode>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly shows: ShowService,
  ) {
    this.repo = dataSource.getRepository(Episode);
  }

  /** The episode when the viewer may see it; otherwise NOT_FOUND (a draft is not admitted to exist). */
  async getVisible(viewer: Viewer | null, id: string): Promise<Episode> {
    const episode = await this.repo.findOneBy({ id: requireUuid('id', id) });
    if (!episode || !(await canSeeEpisode(viewer, episode, (showId) => this.ownerOf(showId)))) throw notFound('Episode');
    return episode;
  }

  findByIds(ids: readonly string[]): Promise<Episode[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /** Published episodes, newest publishedAt first, optionally of one show. */
  listPublished(showId: string | null, limit: number, cursor: TimeCursor | null): Promise<Episode[]> {
    const qb = this.repo.createQueryBuilder('e').where('e.status = :published', { published: EpisodeStatus.PUBLISHED });
    if (showId !== null) qb.andWhere('e.show_id = :showId', { showId: requireUuid('showId', showId) });
    if (cursor) qb.andWhere('(e.published_at, e.id) < (:at, :id)', cursor);
    return qb.orderBy('e.published_at', 'DESC').addOrderBy('e.id', 'DESC').limit(limit).getMany();
  }

  /** One query for the episodes of many shows: up to `limit` per show, newest first. */
  async listForShows(showIds: readonly string[], includeUnpublished: boolean, limit: number, cursor: TimeCursor | null): Promise<Episode[]> {
    if (!showIds.length) return [];
    const sort = episodeSortSql('episodes');
    const conditions = ['show_id IN (:...showIds)'];
    if (!includeUnpublished) conditions.push(`status = '${EpisodeStatus.PUBLISHED}'`);
    if (cursor) conditions.push(`(${sort}, id) < (:at, :id)`);
    const rows = await this.repo
      .createQueryBuilder('e')
      .where(
        `e.id IN (SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY show_id ORDER BY ${sort} DESC, id DESC) AS rank
          FROM episodes WHERE ${conditions.join(' AND ')}) ranked WHERE rank <= :limit)`,
        { showIds, limit, ...cursor },
      )
      .getMany();
    return rows.sort((a, b) => episodeSortTime(b).getTime() - episodeSortTime(a).getTime() || (a.id < b.id ? 1 : -1));
  }

  async create(viewer: Viewer | null, input: NewEpisodeInput): Promise<Episode> {
    if (!viewer) throw unauthenticated();
    if (!isUuid(input.showId)) throw badInput('showId is not a valid id', 'showId');
    const fields = validNewEpisode(input);
    const show = await this.requireManagedShow(viewer, input.showId.toLowerCase());
    try {
      return await this.dataSource.transaction(async (tx) => {
        const episode = await tx.save(tx.create(Episode, { ...fields, showId: show.id, status: EpisodeStatus.DRAFT }));
        await recordEpisodeEvent(tx, EpisodeCreated, episode, show.ownerId);
        return episode;
      });
    } catch (error) {
      rethrowAsConflict(error, NUMBER_TAKEN);
    }
  }

  async update(viewer: Viewer | null, id: string, input: EpisodeChangesInput): Promise<Episode> {
    if (!viewer) throw unauthenticated();
    const episodeId = requireUuid('id', id);
    const changes = validEpisodeChanges(input);
    try {
      return await this.dataSource.transaction(async (tx: EntityManager) => {
        // the row lock keeps concurrent edits, and so their events, in commit order
        const episode = await tx.findOne(Episode, { where: { id: episodeId }, lock: { mode: 'pessimistic_write' } });
        if (!episode) throw notFound('Episode');
        const show = await this.requireManagedShow(viewer, episode.showId);
        const saved = await tx.save(Object.assign(episode, changes));
        await recordEpisodeEvent(tx, EpisodeUpdated, saved, show.ownerId);
        return saved;
      });
    } catch (error) {
      rethrowAsConflict(error, NUMBER_TAKEN);
    }
  }

  /** The show when the viewer may change its episodes (owner, editor, admin). */
  async requireManagedShow(viewer: Viewer, showId: string): Promise<Show> {
    const [show] = await this.shows.findByIds([showId]);
    if (!show) throw notFound('Show');
    if (!canManage(viewer, show.ownerId)) throw forbidden('Only the owner of the show or an editor can change its episodes');
    return show;
  }

  private async ownerOf(showId: string): Promise<string | null> {
    const [show] = await this.shows.findByIds([showId]);
    return show?.ownerId ?? null;
  }
}

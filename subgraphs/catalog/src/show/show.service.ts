import { type Viewer, canManage } from '@wavegraph/auth';
import { forbidden, isUuid, notFound, requireUuid, unauthenticated, type TimeCursor } from '@wavegraph/kit';
import { ShowCreated, ShowUpdated } from '@wavegraph/events';
import { In, type DataSource, type Repository } from 'typeorm';
import { recordShowEvent } from '../events/catalog.events';
import { feedUrl, podcastGuidOf, type FeedConfig } from '../feed/feed.config';

import { rethrowAsConflict } from '@wavegraph/kit';
import { Show } from './show.entity';
import { checkSubcategory, validCategory, validLanguage, validNewShow, validShowChanges, type NewShowInput, type ShowChangesInput } from './show.validation';

const SLUG_TAKEN = { shows_slug_key: { field: 'slug', message: 'A show with this slug already exists' } };

export interface ShowFilter {
  category?: string | null;
  language?: string | null;
}

/** Use cases of shows: public reads, owner/staff writes. Lists are newest first, keyset paginated. */
export class ShowService {
  readonly repo: Repository<Show>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly feeds: Pick<FeedConfig, 'publicUrl'>,
  ) {
    this.repo = dataSource.getRepository(Show);
  }

  feedUrl(show: Pick<Show, 'slug'>): string {
    return feedUrl(this.feeds, show.slug);
  }

  /**
   * The show's podcast:guid as stored at creation; a show older than feeds gets it on first use
   * (the first writer wins, so every reader sees the same one from then on).
   */
  async podcastGuid(show: Pick<Show, 'id' | 'slug' | 'podcastGuid'>): Promise<string> {
    if (show.podcastGuid) return show.podcastGuid;
    const [rows] = (await this.dataSource.query(
      'UPDATE shows SET podcast_guid = COALESCE(podcast_guid, $2) WHERE id = $1 RETURNING podcast_guid',
      [show.id, podcastGuidOf(this.feedUrl(show))],
    )) as [{ podcast_guid: string }[], number];
    show.podcastGuid = rows[0]?.podcast_guid ?? podcastGuidOf(this.feedUrl(show));
    return show.podcastGuid;
  }

  async get(id: string): Promise<Show> {
    const show = await this.repo.findOneBy({ id: requireUuid('id', id) });
    if (!show) throw notFound('Show');
    return show;
  }

  async getBySlug(slug: string): Promise<Show> {
    const show = await this.repo.findOneBy({ slug });
    if (!show) throw notFound('Show');
    return show;
  }

  /** Batch lookup for DataLoaders; ids that are not uuids simply match nothing. */
  findByIds(ids: readonly string[]): Promise<Show[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /** `limit` rows after `cursor`; the caller asks for one more than the page to learn hasNextPage. */
  list(filter: ShowFilter, limit: number, cursor: TimeCursor | null): Promise<Show[]> {
    const qb = this.repo.createQueryBuilder('s');
    if (filter.category != null) qb.andWhere('s.category = :category', { category: validCategory(filter.category) });
    if (filter.language != null) qb.andWhere('s.language = :language', { language: validLanguage(filter.language) });
    if (cursor) qb.andWhere('(s.created_at, s.id) < (:at, :id)', cursor);
    return qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').limit(limit).getMany();
  }

  /** One query for the shows of many owners: up to `limit` per owner (window function, no OFFSET). */
  async listForOwners(ownerIds: readonly string[], limit: number, cursor: TimeCursor | null): Promise<Show[]> {
    const owners = ownerIds.filter(isUuid);
    if (!owners.length) return [];
    const after = cursor ? 'AND (created_at, id) < (:at, :id)' : '';
    const rows = await this.repo
      .createQueryBuilder('s')
      .where(
        `s.id IN (SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY owner_id ORDER BY created_at DESC, id DESC) AS rank
          FROM shows WHERE owner_id IN (:...owners) ${after}) ranked WHERE rank <= :limit)`,
        { owners, limit, ...cursor },
      )
      .getMany();
    return rows.sort(newestFirst);
  }

  async create(viewer: Viewer | null, input: NewShowInput): Promise<Show> {
    if (!viewer) throw unauthenticated();
    const fields = validNewShow(input);
    try {
      return await this.dataSource.transaction(async (tx) => {
        // stored, not derived: the guid stays the show's even if its feed moves
        const show = await tx.save(tx.create(Show, { ...fields, ownerId: viewer.id, podcastGuid: podcastGuidOf(this.feedUrl(fields)) }));
        await recordShowEvent(tx, ShowCreated, show);
        return show;
      });
    } catch (error) {
      rethrowAsConflict(error, SLUG_TAKEN);
    }
  }

  async update(viewer: Viewer | null, id: string, input: ShowChangesInput): Promise<Show> {
    if (!viewer) throw unauthenticated();
    const showId = requireUuid('id', id);
    const changes = validShowChanges(input);
    return this.dataSource.transaction(async (tx) => {
      // the row lock keeps concurrent edits, and so their events, in commit order
      const show = await tx.findOne(Show, { where: { id: showId }, lock: { mode: 'pessimistic_write' } });
      if (!show) throw notFound('Show');
      if (!canManage(viewer, show.ownerId)) throw forbidden('Only the owner of the show or an editor can change it');
      checkSubcategory(changes.category ?? show.category, changes.subcategory === undefined ? show.subcategory : changes.subcategory);
      const saved = await tx.save(Object.assign(show, changes));
      await recordShowEvent(tx, ShowUpdated, saved);
      return saved;
    });
  }
}

export function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

import type { Viewer } from '@wavegraph/auth';
import { forbidden, isUuid, notFound, requireUuid, unauthenticated } from '@wavegraph/kit';
import { In, type DataSource, type Repository } from 'typeorm';
import type { TimeCursor } from '../common/cursor';
import { canManage } from '../common/policy';
import { rethrowAsConflict } from '@wavegraph/kit';
import { Show } from './show.entity';
import { validCategory, validLanguage, validNewShow, validShowChanges, type NewShowInput, type ShowChangesInput } from './show.validation';

const SLUG_TAKEN = { shows_slug_key: { field: 'slug', message: 'A show with this slug already exists' } };

export interface ShowFilter {
  category?: string | null;
  language?: string | null;
}

/** Use cases of shows: public reads, owner/staff writes. Lists are newest first, keyset paginated. */
export class ShowService {
  readonly repo: Repository<Show>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Show);
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
      return await this.repo.save(this.repo.create({ ...fields, ownerId: viewer.id }));
    } catch (error) {
      rethrowAsConflict(error, SLUG_TAKEN);
    }
  }

  async update(viewer: Viewer | null, id: string, input: ShowChangesInput): Promise<Show> {
    if (!viewer) throw unauthenticated();
    const show = await this.get(id);
    if (!canManage(viewer, show.ownerId)) throw forbidden('Only the owner of the show or an editor can change it');
    const changes = validShowChanges(input);
    return this.repo.save(this.repo.merge(show, changes));
  }
}

export function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

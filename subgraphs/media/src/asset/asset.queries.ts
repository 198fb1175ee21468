import { type Viewer, canManage, isStaff } from '@wavegraph/auth';
import { isUuid, requireUuid, type TimeCursor } from '@wavegraph/kit';
import type { DataSource, Repository } from 'typeorm';
import { assetNotFound } from '../common/errors';
import { MediaAsset } from './asset.entity';
import { MediaStatus } from './asset.enums';
import { MediaStepRow } from './step.entity';

/** READY assets are public; anything else only to whoever may manage it. */
export const visibleTo = (viewer: Viewer | null, asset: MediaAsset): boolean =>
  asset.status === MediaStatus.READY || canManage(viewer, asset.ownerId);

const validIds = (ids: readonly string[]): string[] => ids.filter(isUuid).map((id) => id.toLowerCase());

/** Reading assets and their steps; every list read is one query however many parents ask. */
export class AssetQueries {
  readonly repo: Repository<MediaAsset>;
  private readonly steps: Repository<MediaStepRow>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(MediaAsset);
    this.steps = dataSource.getRepository(MediaStepRow);
  }

  /** An asset the viewer may see, else NOT_FOUND (whether it exists is not given away). */
  async get(viewer: Viewer | null, id: string, field = 'id'): Promise<MediaAsset> {
    const asset = await this.repo.findOneBy({ id: requireUuid(field, id) });
    if (!asset || !visibleTo(viewer, asset)) throw assetNotFound(field);
    return asset;
  }

  findByIds(ids: readonly string[]): Promise<MediaAsset[]> {
    const valid = validIds(ids);
    return valid.length ? this.repo.createQueryBuilder('a').where('a.id IN (:...valid)', { valid }).getMany() : Promise.resolve([]);
  }

  /**
   * The asset each episode shows, one query for all of them: the newest one not deleted that
   * the viewer may see. Listeners thus keep the last READY file while a replacement is processed,
   * and the owner (and staff) see the replacement's progress.
   */
  newestForEpisodes(episodeIds: readonly string[], viewer: Viewer | null): Promise<MediaAsset[]> {
    const valid = validIds(episodeIds);
    if (!valid.length) return Promise.resolve([]);
    return this.repo
      .createQueryBuilder('a')
      .where(
        `a.id IN (SELECT DISTINCT ON (episode_id) id FROM media_assets
          WHERE episode_id IN (:...valid) AND status <> 'DELETED' AND (:staff OR status = 'READY' OR owner_id = :viewer)
          ORDER BY episode_id, created_at DESC, id DESC)`,
        { valid, staff: isStaff(viewer), viewer: viewer?.id ?? null },
      )
      .getMany();
  }

  stepsOf(assetIds: readonly string[]): Promise<MediaStepRow[]> {
    const valid = validIds(assetIds);
    return valid.length ? this.steps.createQueryBuilder('s').where('s.asset_id IN (:...valid)', { valid }).getMany() : Promise.resolve([]);
  }

  /** FAILED assets, most recently failed first (the operators' queue of things to look at). */
  failed(limit: number, cursor: TimeCursor | null): Promise<MediaAsset[]> {
    const query = this.repo.createQueryBuilder('a').where("a.status = 'FAILED'");
    if (cursor) query.andWhere('(a.updated_at, a.id) < (:at, :id)', cursor);
    return query.orderBy('a.updated_at', 'DESC').addOrderBy('a.id', 'DESC').limit(limit).getMany();
  }
}

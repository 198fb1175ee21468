import { isUuid, notFound, requireUuid, type TimeCursor } from '@wavegraph/kit';
import type { DataSource, Repository } from 'typeorm';

import { oldestFirst } from '../common/order';
import { Comment } from './comment.entity';

const ON_PUBLISHED = "JOIN known_episodes k ON k.episode_id = c.episode_id AND k.status = 'PUBLISHED'";

/** Reading comments; threads read oldest first, like a conversation. */
export class CommentQueries {
  readonly repo: Repository<Comment>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Comment);
  }

  /** A comment by id, while its episode is published (NOT_FOUND otherwise, like the episode). */
  async get(id: string): Promise<Comment> {
    const [comment] = await this.findVisibleByIds([requireUuid('id', id)]);
    if (!comment) throw notFound('Comment');
    return comment;
  }

  findVisibleByIds(ids: readonly string[]): Promise<Comment[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    if (!valid.length) return Promise.resolve([]);
    return this.repo
      .createQueryBuilder('comment')
      .where(`comment.id IN (SELECT c.id FROM comments c ${ON_PUBLISHED} WHERE c.id IN (:...valid))`, { valid })
      .getMany();
  }

  /** Any comments by id, for `parent` of comments already shown. */
  findByIds(ids: readonly string[]): Promise<Comment[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    return valid.length ? this.repo.createQueryBuilder('comment').where('comment.id IN (:...valid)', { valid }).getMany() : Promise.resolve([]);
  }

  /** Top-level comments of many episodes, `limit` per episode, one query. */
  listTopLevel(episodeIds: readonly string[], limit: number, cursor: TimeCursor | null): Promise<Comment[]> {
    return this.listPerGroup('episode_id', 'parent_id IS NULL', episodeIds, limit, cursor);
  }

  /** Direct replies to many comments, `limit` per comment, one query. */
  listReplies(parentIds: readonly string[], limit: number, cursor: TimeCursor | null): Promise<Comment[]> {
    return this.listPerGroup('parent_id', 'parent_id IS NOT NULL', parentIds, limit, cursor);
  }

  async replyCounts(parentIds: readonly string[]): Promise<Map<string, number>> {
    const ids = parentIds.filter(isUuid).map((id) => id.toLowerCase());
    if (!ids.length) return new Map();
    const rows: { parent_id: string; n: number }[] = await this.repo.query(
      'SELECT parent_id, count(*)::int AS n FROM comments WHERE parent_id = ANY($1::uuid[]) GROUP BY parent_id',
      [ids],
    );
    return new Map(rows.map((row) => [row.parent_id, row.n]));
  }

  /** The window-function trick: up to `limit` rows per group key without OFFSET or one query per key. */
  private async listPerGroup(
    column: 'episode_id' | 'parent_id',
    scope: string,
    keys: readonly string[],
    limit: number,
    cursor: TimeCursor | null,
  ): Promise<Comment[]> {
    const valid = keys.filter(isUuid).map((key) => key.toLowerCase());
    if (!valid.length) return [];
    const after = cursor ? 'AND (created_at, id) > (:at, :id)' : '';
    const rows = await this.repo
      .createQueryBuilder('comment')
      .where(
        `comment.id IN (SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY ${column} ORDER BY created_at, id) AS rank
          FROM comments WHERE ${scope} AND ${column} IN (:...valid) ${after}) ranked WHERE rank <= :limit)`,
        { valid, limit, ...cursor },
      )
      .getMany();
    return rows.sort(oldestFirst((comment) => ({ at: comment.createdAt, id: comment.id })));
  }
}

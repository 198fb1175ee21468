import { type Viewer, isStaff } from '@wavegraph/auth';
import { CommentDeleted, CommentEdited, CommentPosted, recordEvent } from '@wavegraph/events';
import { badInput, forbidden, notFound, requireUuid, unauthenticated, type SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { EpisodeStatsService } from '../episode/episode-stats.service';
import type { KnownCatalog } from '../known/known.service';
import { Comment } from './comment.entity';
import { validCommentBody } from './comment.validation';

/** One topic per episode, so a subscriber hears only its episode and Redis does the filtering. */
export const commentAddedTopic = (episodeId: string): string => `COMMENT_ADDED:${episodeId}`;

/** What `commentAdded` subscribers receive: the id only, the comment is read back as it is now. */
export interface CommentAddedEvent {
  commentId: string;
}

export interface PostCommentInput {
  episodeId: string;
  body: string;
  parentId?: string | null;
}

/** Writing comments: post, edit your own, delete your own (or moderate as staff / show owner). */
export class CommentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly known: KnownCatalog,
    private readonly stats: EpisodeStatsService,
    private readonly pubSub: SubgraphPubSub,
  ) {}

  async post(viewer: Viewer | null, input: PostCommentInput): Promise<Comment> {
    if (!viewer) throw unauthenticated();
    const episodeId = requireUuid('episodeId', input.episodeId);
    const parentId = input.parentId == null ? null : requireUuid('parentId', input.parentId);
    const body = validCommentBody(input.body);
    const posted = await this.dataSource.transaction(async (tx) => {
      const episode = await this.known.requirePublishedEpisode(tx, episodeId);
      const parent = parentId ? await this.replyableParent(tx, parentId, episodeId) : null;
      const comment = await tx.save(tx.create(Comment, { episodeId, authorId: viewer.id, parentId, body }));
      await this.stats.add(tx, episodeId, 'comment_count', 1);
      await recordEvent(tx, CommentPosted, episodeId, {
        commentId: comment.id, episodeId, authorId: viewer.id, parentId, parentAuthorId: parent?.authorId ?? null, body, episodeOwnerId: episode.ownerId,
      });
      return comment;
    });
    // only once committed, so a subscriber can read it; live updates are best effort and never hold the mutation
    const event: CommentAddedEvent = { commentId: posted.id };
    void this.pubSub.publish(commentAddedTopic(episodeId), event);
    return posted;
  }

  /** Only the author edits (staff may delete, never put words in someone's mouth). */
  async edit(viewer: Viewer | null, id: string, newBody: string): Promise<Comment> {
    if (!viewer) throw unauthenticated();
    const commentId = requireUuid('id', id);
    const body = validCommentBody(newBody);
    return this.dataSource.transaction(async (tx) => {
      const comment = await this.locked(tx, commentId);
      if (!comment || comment.deletedAt) throw notFound('Comment');
      if (comment.authorId !== viewer.id) throw forbidden('Only the author can edit a comment');
      await this.known.requirePublishedEpisode(tx, comment.episodeId);
      if (comment.body === body) return comment;
      Object.assign(comment, { body, editedAt: new Date() });
      await tx.save(comment);
      await recordEvent(tx, CommentEdited, comment.episodeId, { commentId, episodeId: comment.episodeId, authorId: comment.authorId, body });
      return comment;
    });
  }

  /** Soft delete: replies keep their place in the thread. Deleting twice changes nothing. */
  async delete(viewer: Viewer | null, id: string): Promise<Comment> {
    if (!viewer) throw unauthenticated();
    const commentId = requireUuid('id', id);
    return this.dataSource.transaction(async (tx) => {
      const comment = await this.locked(tx, commentId);
      if (!comment) throw notFound('Comment');
      const moderated = comment.authorId !== viewer.id;
      if (moderated && !isStaff(viewer) && !(await this.ownsShowOf(tx, viewer, comment.episodeId))) {
        throw forbidden('Only the author, the show owner or an editor can delete a comment');
      }
      if (comment.deletedAt) return comment;
      Object.assign(comment, { body: '', deletedAt: new Date(), deletedBy: viewer.id });
      await tx.save(comment);
      await this.stats.add(tx, comment.episodeId, 'comment_count', -1);
      await recordEvent(tx, CommentDeleted, comment.episodeId, { commentId, episodeId: comment.episodeId, deletedBy: viewer.id, moderated });
      return comment;
    });
  }

  private locked(tx: EntityManager, id: string): Promise<Comment | null> {
    return tx.findOne(Comment, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The parent must exist, belong to the same episode and still be there to answer. */
  private async replyableParent(tx: EntityManager, parentId: string, episodeId: string): Promise<Comment> {
    const parent = await tx.findOne(Comment, { where: { id: parentId }, lock: { mode: 'pessimistic_read' } });
    if (!parent) throw notFound('Parent comment');
    if (parent.episodeId !== episodeId) throw badInput('parentId must be a comment on the same episode', 'parentId');
    if (parent.deletedAt) throw badInput('Cannot reply to a deleted comment', 'parentId');
    return parent;
  }

  private async ownsShowOf(tx: EntityManager, viewer: Viewer, episodeId: string): Promise<boolean> {
    const episode = await this.known.findEpisode(tx, episodeId);
    return episode?.ownerId === viewer.id;
  }
}

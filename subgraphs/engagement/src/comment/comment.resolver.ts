import { notFound, type Page, PageArgs, requireUuid, subscribeTopic, PAGED_CONNECTION, SUBSCRIPTION_COST, INHERIT_CACHE, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';

import { loadEpisodeStats } from '../episode/episode.loader';
import { Episode, episodeRef } from '../episode/episode.type';
import type { EngagementContext } from '../services';
import { User, userRef } from '../user/user.type';
import { Comment } from './comment.entity';
import { loadComment, loadEpisodeComments, loadReplies, loadReplyCount } from './comment.loader';
import { commentAddedTopic, type CommentAddedEvent } from './comment.service';
import { CommentConnection } from './comment.types';

@Resolver(() => Comment)
export class CommentResolver {
  @Query(() => Comment, { nullable: true, description: 'NOT_FOUND when missing or its episode is not published' })
  comment(@Arg('id', () => ID) id: string, @Ctx() ctx: EngagementContext): Promise<Comment> {
    return ctx.services.commentQueries.get(id);
  }

  @Mutation(() => Comment, { description: 'body: 1..2000 characters; parentId: a comment on the same episode to reply to' })
  postComment(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('body') body: string,
    @Arg('parentId', () => ID, { nullable: true }) parentId: string | null,
    @Ctx() ctx: EngagementContext,
  ): Promise<Comment> {
    return ctx.services.comments.post(ctx.viewer, { episodeId, body, parentId });
  }

  @Mutation(() => Comment, { description: 'Author only' })
  editComment(@Arg('id', () => ID) id: string, @Arg('body') body: string, @Ctx() ctx: EngagementContext): Promise<Comment> {
    return ctx.services.comments.edit(ctx.viewer, id, body);
  }

  @Mutation(() => Comment, { description: 'The author; editors, admins and the show owner moderate. The comment stays in its thread, without body' })
  deleteComment(@Arg('id', () => ID) id: string, @Ctx() ctx: EngagementContext): Promise<Comment> {
    return ctx.services.comments.delete(ctx.viewer, id);
  }

  @Directive(SUBSCRIPTION_COST)
  @Subscription(() => Comment, {
    description: 'Comments and replies posted on an episode from now on; episodeId: BAD_USER_INPUT when malformed',
    // a malformed id fails the subscription up front instead of listening on a topic nobody publishes to
    subscribe: subscribeTopic((args: { episodeId: string }) => commentAddedTopic(requireUuid('episodeId', args.episodeId))),
  })
  async commentAdded(
    @Root() event: CommentAddedEvent,
    // read by `topics` above; declared here so it is part of the field
    @Arg('episodeId', () => ID) _episodeId: string,
    @Ctx() ctx: EngagementContext,
  ): Promise<Comment> {
    // the event carries only the id: subscribers read the comment as it is now, one batched read per event
    const comment = await loadComment(ctx, event.commentId);
    if (!comment) throw notFound('Comment');
    return comment;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Null once deleted' })
  body(@Root() comment: Comment): string | null {
    return comment.deletedAt ? null : comment.body;
  }

  @FieldResolver(() => Boolean)
  deleted(@Root() comment: Comment): boolean {
    return comment.deletedAt !== null;
  }

  @Directive(INHERIT_CACHE)
  @FieldResolver(() => User, REFERENCE)
  author(@Root() comment: Comment): User {
    return userRef(comment.authorId);
  }

  @FieldResolver(() => Episode, REFERENCE)
  episode(@Root() comment: Comment): Episode {
    return episodeRef(comment.episodeId);
  }

  @FieldResolver(() => Comment, { nullable: true, description: 'The comment this one answers' })
  parent(@Root() comment: Comment, @Ctx() ctx: EngagementContext): Promise<Comment | null> | null {
    return comment.parentId ? loadComment(ctx, comment.parentId) : null;
  }

  @Directive(PAGED_CONNECTION)
  @FieldResolver(() => CommentConnection, { description: 'Direct replies, oldest first' })
  replies(@Root() comment: Comment, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<Comment>> {
    return loadReplies(ctx, comment.id, first, after);
  }

  @FieldResolver(() => Int, { description: 'Direct replies, deleted ones included (they keep their place)' })
  replyCount(@Root() comment: Comment, @Ctx() ctx: EngagementContext): Promise<number> {
    return loadReplyCount(ctx, comment.id);
  }
}

@Resolver(() => Episode)
export class EpisodeCommentsResolver {
  @Directive(PAGED_CONNECTION)
  @FieldResolver(() => CommentConnection, { nullable: true, description: 'Top-level comments, oldest first; deleted ones keep their place without body' })
  comments(@Root() episode: Episode, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<Comment>> {
    return loadEpisodeComments(ctx, episode.id, first, after);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Comments and replies not deleted' })
  async commentCount(@Root() episode: Episode, @Ctx() ctx: EngagementContext): Promise<number> {
    return (await loadEpisodeStats(ctx, episode.id))?.commentCount ?? 0;
  }
}

import { PAGED_LIST, REFERENCE, SUBSCRIPTION_COST, badInput, pageSize, requireViewer } from '@wavegraph/kit';
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Show, showRef } from '../show/show.type';
import type { IngestContext } from '../services';
import { IngestCounts, IngestItemError, IngestItemWarning, IngestJob, MAX_ITEM_ERRORS } from './job.entity';
import { ingestProgressStream } from './job.live';

@ObjectType('FeedSource', { description: 'A feed imported for its owner; polled while polling is true' })
export class FeedSourceView {
  @Field(() => ID)
  id: string;

  @Field()
  feedUrl: string;

  @Field()
  polling: boolean;

  @Field(() => Int, { nullable: true })
  pollIntervalMinutes: number | null;
}

@Resolver(() => IngestJob)
export class IngestJobResolver {
  @Query(() => IngestJob, { nullable: true, description: 'Owner, EDITOR or ADMIN (others FORBIDDEN); NOT_FOUND when there is none' })
  ingestJob(@Arg('id', () => ID) id: string, @Ctx() ctx: IngestContext): Promise<IngestJob> {
    return ctx.services.jobs.get(ctx.viewer, id);
  }

  @Directive(PAGED_LIST)
  @Query(() => [IngestJob], { description: "The viewer's import jobs, newest first" })
  ingestJobs(@Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1..100' }) first: number, @Ctx() ctx: IngestContext): Promise<IngestJob[]> {
    requireViewer(ctx);
    return ctx.services.jobs.forViewer(ctx.viewer, pageSize(first));
  }

  @Mutation(() => IngestJob, {
    description: 'Signed-in creators: imports an RSS 2.0, Atom or YouTube feed as a show of yours (QUEUED; follow it with ingestProgress); with pollIntervalMinutes it is polled again at that interval',
  })
  importShowFromFeed(
    @Arg('url') url: string,
    @Arg('pollIntervalMinutes', () => Int, { nullable: true }) pollIntervalMinutes: number | null,
    @Ctx() ctx: IngestContext,
  ): Promise<IngestJob> {
    return ctx.services.jobs.importFeed(ctx.viewer, url, pollIntervalMinutes);
  }

  @Directive('@listSize(assumedSize: 100)')
  @Mutation(() => [IngestJob], { description: 'One import job per feed (outline xmlUrl) of an OPML subscription list' })
  importOpml(@Arg('opml') opml: string, @Ctx() ctx: IngestContext): Promise<IngestJob[]> {
    return ctx.services.jobs.importOpml(ctx.viewer, opml);
  }

  @Mutation(() => FeedSourceView, { description: 'Owner, EDITOR or ADMIN: stops polling the feed; the imported show and its episodes stay' })
  async removeFeedSource(@Arg('sourceId', () => ID) sourceId: string, @Ctx() ctx: IngestContext): Promise<FeedSourceView> {
    return ctx.services.jobs.stopPolling(ctx.viewer, sourceId);
  }

  @Directive(SUBSCRIPTION_COST)
  @Subscription(() => IngestJob, {
    description: 'Live progress of an import: the job now, after each change, and completes once COMPLETED or FAILED. Owner, EDITOR or ADMIN',
    subscribe: ({ args, context }) => ingestProgressStream(context as IngestContext, (args as { jobId: string }).jobId),
  })
  ingestProgress(@Root() job: IngestJob, @Arg('jobId', () => ID) _jobId: string): IngestJob {
    return job;
  }

  @FieldResolver(() => Show, { ...REFERENCE, description: 'The imported show, once created' })
  show(@Root() job: IngestJob): Show | null {
    return job.showId ? showRef(job.showId) : null;
  }

  @Directive(`@listSize(assumedSize: ${MAX_ITEM_ERRORS}, slicingArguments: ["first"], requireOneSlicingArgument: false)`)
  @FieldResolver(() => [IngestItemError], { description: `Items skipped or failed, with the reason, in feed order (at most ${MAX_ITEM_ERRORS} are kept)` })
  errors(@Root() job: IngestJob, @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: `1..${MAX_ITEM_ERRORS}` }) first: number | null): IngestItemError[] {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > MAX_ITEM_ERRORS) throw badInput(`first must be from 1 to ${MAX_ITEM_ERRORS}`, 'first');
    return job.errors.slice(0, size);
  }

  @Directive(`@listSize(assumedSize: ${MAX_ITEM_ERRORS}, slicingArguments: ["first"], requireOneSlicingArgument: false)`)
  @FieldResolver(() => [IngestItemWarning], { description: `Transcripts and chapters of imported episodes that could not be handed over, with the reason (at most ${MAX_ITEM_ERRORS} are kept)` })
  warnings(@Root() job: IngestJob, @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: `1..${MAX_ITEM_ERRORS}` }) first: number | null): IngestItemWarning[] {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > MAX_ITEM_ERRORS) throw badInput(`first must be from 1 to ${MAX_ITEM_ERRORS}`, 'first');
    return (job.warnings ?? []).slice(0, size);
  }

  @FieldResolver(() => IngestCounts)
  counts(@Root() job: IngestJob): IngestCounts {
    return { found: job.found, created: job.created, updated: job.updated, skipped: job.skipped, failed: job.failed };
  }

  @FieldResolver(() => Date, { nullable: true, description: "When the job's feed is polled next (null when it is not polled)" })
  async nextPollAt(@Root() job: IngestJob, @Ctx() ctx: IngestContext): Promise<Date | null> {
    return ctx.loaders.get('nextPollAt', (ids: readonly string[]) => ctx.services.jobs.nextPolls(ids)).load(job.sourceId);
  }
}

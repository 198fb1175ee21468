import { pageSize, PAGED_LIST, smallList, VIEWER_DEPENDENT } from '@wavegraph/kit';
import { Arg, Ctx, Directive, FieldResolver, Float, Int, Resolver, Root } from 'type-graphql';
import { Episode, episodeRef } from '../episode/episode.type';
import type { AnalyticsContext } from '../services';
import { Show } from '../show/show.type';
import type { Interval } from '../store/analytics.store';
import { AnalyticsInterval, AnalyticsPoint, AnalyticsRange, AnalyticsTotals, ClientAppAnalytics, DropOffPoint, EpisodeAnalytics, ShowAnalytics, TopEpisode } from './report.types';
import { MAX_DAYS } from './range';

const toPoint = (p: { start: string; downloads: number; uniqueListeners: number; listeningSeconds: number }): AnalyticsPoint =>
  Object.assign(new AnalyticsPoint(), { ...p, start: new Date(`${p.start}T00:00:00Z`) });

/** Figures read from ClickHouse cost more than a column: `@cost` weighs them for the gateway's budget. */
const ANALYTICS_COST = '@cost(weight: 5)';
const SERIES_SIZE = smallList(MAX_DAYS.DAY);

@Resolver(() => Show)
export class ShowAnalyticsResolver {
  @Directive(VIEWER_DEPENDENT)
  @Directive(ANALYTICS_COST)
  @FieldResolver(() => ShowAnalytics, { nullable: true, description: 'Downloads, listeners and listening time; owner and staff only (FORBIDDEN otherwise), null when analytics is unavailable' })
  async analytics(
    @Root() show: Show,
    @Arg('range', () => AnalyticsRange) range: AnalyticsRange,
    @Arg('interval', () => AnalyticsInterval, { defaultValue: AnalyticsInterval.DAY }) interval: AnalyticsInterval,
    @Ctx() ctx: AnalyticsContext,
  ): Promise<ShowAnalytics> {
    const report = await ctx.services.reports.forShow(ctx.viewer, show.id, range, interval as Interval);
    return Object.assign(new ShowAnalytics(), { report, interval });
  }
}

@Resolver(() => Episode)
export class EpisodeAnalyticsResolver {
  @Directive(VIEWER_DEPENDENT)
  @Directive(ANALYTICS_COST)
  @FieldResolver(() => EpisodeAnalytics, { nullable: true, description: 'Downloads, listeners, completion and drop-off; owner and staff only (FORBIDDEN otherwise), null when analytics is unavailable' })
  async analytics(
    @Root() episode: Episode,
    @Arg('range', () => AnalyticsRange) range: AnalyticsRange,
    @Arg('interval', () => AnalyticsInterval, { defaultValue: AnalyticsInterval.DAY }) interval: AnalyticsInterval,
    @Ctx() ctx: AnalyticsContext,
  ): Promise<EpisodeAnalytics> {
    const report = await ctx.services.reports.forEpisode(ctx.viewer, episode.id, range, interval as Interval);
    return Object.assign(new EpisodeAnalytics(), { report, interval });
  }
}

@Resolver(() => ShowAnalytics)
export class ShowFiguresResolver {
  @Directive(SERIES_SIZE)
  @FieldResolver(() => [AnalyticsPoint], { description: 'One point per bucket of the range, zeros included' })
  async series(@Root() root: ShowAnalytics, @Ctx() ctx: AnalyticsContext): Promise<AnalyticsPoint[]> {
    return (await ctx.services.reports.series(root.report)).map(toPoint);
  }

  @FieldResolver(() => AnalyticsTotals)
  totals(@Root() root: ShowAnalytics, @Ctx() ctx: AnalyticsContext): Promise<AnalyticsTotals> {
    return ctx.services.reports.totals(root.report);
  }

  @Directive(smallList(50))
  @FieldResolver(() => [ClientAppAnalytics], { description: 'Most downloads first' })
  byClientApp(@Root() root: ShowAnalytics, @Ctx() ctx: AnalyticsContext): Promise<ClientAppAnalytics[]> {
    return ctx.services.reports.byClientApp(root.report);
  }

  @Directive(PAGED_LIST)
  @FieldResolver(() => [TopEpisode], { description: 'The episodes with the most downloads, then listeners' })
  async topEpisodes(
    @Root() root: ShowAnalytics,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: '1..100' }) first: number | null,
    @Ctx() ctx: AnalyticsContext,
  ): Promise<TopEpisode[]> {
    const ranked = await ctx.services.reports.topEpisodes(root.report, pageSize(first, 10));
    return ranked.map(({ episodeId, ...figures }) => Object.assign(new TopEpisode(), { episode: episodeRef(episodeId), ...figures }));
  }
}

@Resolver(() => EpisodeAnalytics)
export class EpisodeFiguresResolver {
  @Directive(SERIES_SIZE)
  @FieldResolver(() => [AnalyticsPoint], { description: 'One point per bucket of the range, zeros included' })
  async series(@Root() root: EpisodeAnalytics, @Ctx() ctx: AnalyticsContext): Promise<AnalyticsPoint[]> {
    return (await ctx.services.reports.series(root.report)).map(toPoint);
  }

  @FieldResolver(() => AnalyticsTotals)
  totals(@Root() root: EpisodeAnalytics, @Ctx() ctx: AnalyticsContext): Promise<AnalyticsTotals> {
    return ctx.services.reports.totals(root.report);
  }

  @Directive(smallList(50))
  @FieldResolver(() => [ClientAppAnalytics], { description: 'Most downloads first' })
  byClientApp(@Root() root: EpisodeAnalytics, @Ctx() ctx: AnalyticsContext): Promise<ClientAppAnalytics[]> {
    return ctx.services.reports.byClientApp(root.report);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Share of sessions that reached 95 % of the duration or were reported completed; null without sessions' })
  completionRate(@Root() root: EpisodeAnalytics, @Ctx() ctx: AnalyticsContext): Promise<number | null> {
    return ctx.services.reports.completionRate(root.report);
  }

  @Directive(smallList(21))
  @FieldResolver(() => [DropOffPoint], { description: 'Share of sessions still listening at 0, 5, …, 100 % of the duration; empty until the duration is known' })
  dropOff(@Root() root: EpisodeAnalytics, @Ctx() ctx: AnalyticsContext): Promise<DropOffPoint[]> {
    return ctx.services.reports.dropOff(root.report);
  }
}

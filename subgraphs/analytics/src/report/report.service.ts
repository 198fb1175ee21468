import { canManage, isStaff, type Viewer } from '@wavegraph/auth';
import { forbidden, requireUuid, unauthenticated } from '@wavegraph/kit';
import type { AnalyticsStore, ClientAppFigures, EpisodeFigures, Interval, Scope, SeriesPoint, Totals } from '../store/analytics.store';
import type { CatalogFacts } from './catalog.facts';
import { bucketStarts, daysOf, type DayRange } from './range';

/** Percent steps of the drop-off curve: 0, 5, …, 100. */
const STEP_PERCENT = 5;

/** What one analytics field asks: the episodes, the days and the bucket size. */
export interface Report {
  scope: Scope;
  days: DayRange;
  interval: Interval;
}

export interface DropOff {
  percent: number;
  share: number;
}

/**
 * Show and episode analytics for their owner and staff (ADMIN, EDITOR) only: anyone else gets
 * FORBIDDEN (UNAUTHENTICATED when signed out), whether or not the show exists, so the answer
 * says nothing about what a stranger may not see. Figures are read lazily, per field asked.
 */
export class ReportService {
  constructor(
    private readonly store: AnalyticsStore,
    private readonly catalog: CatalogFacts,
  ) {}

  private allow(viewer: Viewer | null, ownerId: string | null): void {
    if (!viewer) throw unauthenticated();
    if (!(isStaff(viewer) || canManage(viewer, ownerId))) throw forbidden('Only the owner and staff see analytics');
  }

  async forShow(viewer: Viewer | null, showId: string, range: { from: Date; to: Date }, interval: Interval): Promise<Report> {
    const id = requireUuid('id', showId);
    const days = daysOf(range.from, range.to, interval);
    this.allow(viewer, await this.catalog.showOwner(id));
    return { scope: { episodeIds: await this.catalog.episodeIdsOfShow(id), ...days }, days, interval };
  }

  async forEpisode(viewer: Viewer | null, episodeId: string, range: { from: Date; to: Date }, interval: Interval): Promise<Report> {
    const id = requireUuid('id', episodeId);
    const days = daysOf(range.from, range.to, interval);
    this.allow(viewer, (await this.catalog.episode(id))?.ownerId ?? null);
    return { scope: { episodeIds: [id], ...days }, days, interval };
  }

  /** One point per bucket of the range, zeros where nothing happened. */
  async series(report: Report): Promise<SeriesPoint[]> {
    const points = new Map((await this.store.series(report.scope, report.interval)).map((p) => [p.start, p]));
    return bucketStarts(report.days, report.interval).map((start) => points.get(start) ?? { start, downloads: 0, uniqueListeners: 0, listeningSeconds: 0 });
  }

  totals(report: Report): Promise<Totals> {
    return this.store.totals(report.scope);
  }

  /** Most downloads first, then most listeners. */
  async byClientApp(report: Report): Promise<ClientAppFigures[]> {
    return (await this.store.byClientApp(report.scope)).sort((a, b) => b.downloads - a.downloads || b.uniqueListeners - a.uniqueListeners || a.clientApp.localeCompare(b.clientApp));
  }

  /** The show's episodes with the most downloads, then listeners, then listening time. */
  async topEpisodes(report: Report, first: number): Promise<EpisodeFigures[]> {
    const ranked = (await this.store.byEpisode(report.scope)).sort(
      (a, b) => b.downloads - a.downloads || b.uniqueListeners - a.uniqueListeners || b.listeningSeconds - a.listeningSeconds || a.episodeId.localeCompare(b.episodeId),
    );
    return ranked.slice(0, first);
  }

  /** Sessions that reached 95 % of the duration or were reported completed, over all sessions; null without sessions. */
  async completionRate(report: Report): Promise<number | null> {
    const episodeId = report.scope.episodeIds[0];
    const reach = await this.store.sessionReach(episodeId, report.days.fromDay, report.days.toDay, await this.catalog.durationOf(episodeId));
    return reach.sessions ? reach.completed / reach.sessions : null;
  }

  /** Share of sessions still listening at each 5 % of the duration; empty without a duration or sessions. */
  async dropOff(report: Report): Promise<DropOff[]> {
    const episodeId = report.scope.episodeIds[0];
    const duration = await this.catalog.durationOf(episodeId);
    if (!duration) return [];
    const reach = await this.store.sessionReach(episodeId, report.days.fromDay, report.days.toDay, duration);
    if (!reach.sessions || !reach.reached) return [];
    return reach.reached.map((sessions, k) => ({ percent: k * STEP_PERCENT, share: sessions / reach.sessions }));
  }
}

import type { ClientAppFigures, EpisodeFigures, Interval, Scope, SeriesPoint, Totals } from './analytics.store';

/**
 * The port's grouped reads, the same for every engine: each is one aggregation of the scope's
 * downloads and listening, grouped by an expression of the engine's SQL. An adapter says how it
 * aggregates (`figuresBy`) and how its SQL names a bucket's start (`bucketOf`).
 */
export abstract class GroupedFigures {
  /** The scope's figures by the value of `key` (a SQL expression; `''` for all of them as one). */
  protected abstract figuresBy(scope: Scope, key: string): Promise<Map<string, Totals>>;

  /** The SQL expression of the first day of a row's bucket. */
  protected abstract bucketOf(interval: Interval): string;

  async series(scope: Scope, interval: Interval): Promise<SeriesPoint[]> {
    return [...(await this.figuresBy(scope, this.bucketOf(interval)))].map(([start, { downloads, uniqueListeners, listeningSeconds }]) => ({ start, downloads, uniqueListeners, listeningSeconds }));
  }

  async totals(scope: Scope): Promise<Totals> {
    return (await this.figuresBy(scope, "''")).get('') ?? { downloads: 0, uniqueListeners: 0, listeningSeconds: 0, sessions: 0 };
  }

  async byClientApp(scope: Scope): Promise<ClientAppFigures[]> {
    return [...(await this.figuresBy(scope, 'client_app'))].map(([clientApp, { downloads, uniqueListeners, listeningSeconds }]) => ({ clientApp, downloads, uniqueListeners, listeningSeconds }));
  }

  async byEpisode(scope: Scope): Promise<EpisodeFigures[]> {
    return [...(await this.figuresBy(scope, 'episode_id'))].map(([episodeId, { downloads, uniqueListeners, listeningSeconds }]) => ({ episodeId, downloads, uniqueListeners, listeningSeconds }));
  }
}

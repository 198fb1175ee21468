/**
 * The engine port of analytics: what the subgraph writes and asks, whatever stores it. The
 * ClickHouse adapter (clickhouse.store.ts) serves the platform; the Postgres adapter
 * (postgres.store.ts) answers the same questions on plain tables, as the benchmark's baseline.
 * Days are UTC calendar days as 'YYYY-MM-DD'; ranges of days include both ends.
 */

/** One heartbeat of a listening session, as the sessionizer placed it (ingest/listening.rules.ts). */
export interface PlayRow {
  eventId: string;
  at: Date;
  /** The day the session started: a session that crosses midnight belongs to that day. */
  day: string;
  episodeId: string;
  listenerId: string;
  sessionId: string;
  clientApp: string;
  /** Forward progress since the session's previous heartbeat, at most the wall clock between them. */
  listenedSeconds: number;
  positionSeconds: number;
  completed: boolean;
}

/** One request of the enclosure URL, as the download rules judged it (ingest/download.rules.ts). */
export interface DownloadRow {
  eventId: string;
  at: Date;
  day: string;
  episodeId: string;
  rendition: string;
  ipHash: string;
  userAgent: string;
  clientApp: string;
  /** The first request of its listener (address + user agent) for the episode in 24 hours, and no bot. */
  counted: boolean;
  bot: boolean;
}

export type Interval = 'DAY' | 'WEEK' | 'MONTH';

export interface Scope {
  episodeIds: readonly string[];
  fromDay: string;
  toDay: string;
}

export interface Figures {
  downloads: number;
  uniqueListeners: number;
  listeningSeconds: number;
}

/** A bucket of a series starts on `start`: the day, the Monday of the week, or the 1st of the month. */
export interface SeriesPoint extends Figures {
  start: string;
}

export interface Totals extends Figures {
  sessions: number;
}

export interface ClientAppFigures extends Figures {
  clientApp: string;
}

export interface EpisodeFigures extends Figures {
  episodeId: string;
}

/**
 * How far the sessions of an episode got: `reached[k]` sessions reached at least k × 5 % of the
 * duration (k = 0..20; a completed session reached 100 %). Without a duration only `completed`
 * is known (sessions flagged completed).
 */
export interface SessionReach {
  sessions: number;
  completed: number;
  reached: number[] | null;
}

export interface SharedListeners {
  episodeId: string;
  sharedListeners: number;
}

export interface InsertOptions {
  /** None of the rows was sent to the store before (default false: each one is checked). */
  fresh?: boolean;
}

export interface AnalyticsStore {
  /** Creates the database and its tables when missing (idempotent). */
  prepare(): Promise<void>;
  /**
   * Adds rows whose event id it does not hold yet: a batch written twice counts once. A caller
   * that knows none of the rows was ever sent (`fresh`) spares the store that check.
   */
  insertPlays(rows: readonly PlayRow[], options?: InsertOptions): Promise<number>;
  insertDownloads(rows: readonly DownloadRow[], options?: InsertOptions): Promise<number>;
  series(scope: Scope, interval: Interval): Promise<SeriesPoint[]>;
  totals(scope: Scope): Promise<Totals>;
  byClientApp(scope: Scope): Promise<ClientAppFigures[]>;
  byEpisode(scope: Scope): Promise<EpisodeFigures[]>;
  sessionReach(episodeId: string, fromDay: string, toDay: string, durationSeconds: number | null): Promise<SessionReach>;
  /** Episodes with listeners in common with `episodeId`, most shared first. */
  alsoListened(episodeId: string, limit: number): Promise<SharedListeners[]>;
  /** Episodes that listeners who share episodes with `listenerId` played, which they have not. */
  forListener(listenerId: string, limit: number): Promise<SharedListeners[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type {
  AnalyticsStore,
  DownloadRow,
  InsertOptions,
  Interval,
  PlayRow,
  Scope,
  SessionReach,
  SharedListeners,
  Totals,
} from './analytics.store';
import { GroupedFigures } from './grouped-figures';
import { schemaStatements } from './clickhouse.schema';
import { dateTime, day, identifier, num, uuid, uuids } from './clickhouse.sql';

export interface ClickHouseSettings {
  /** HTTP interface, e.g. http://127.0.0.1:8123 */
  url: string;
  database: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
}

const BUCKET: Record<Interval, (column: string) => string> = {
  DAY: (c) => c,
  WEEK: (c) => `toMonday(${c})`,
  MONTH: (c) => `toStartOfMonth(${c})`,
};

/** Reach buckets: 0..20, one per 5 % of the duration. */
const STEPS = 20;

type Row = Record<string, string | number>;
const n = (value: string | number | undefined): number => Number(value ?? 0);

/** The analytics port on ClickHouse over HTTP (@clickhouse/client). */
export class ClickHouseStore extends GroupedFigures implements AnalyticsStore {
  private readonly client: ClickHouseClient;
  private readonly db: string;

  constructor(settings: ClickHouseSettings) {
    super();
    this.db = identifier(settings.database);
    // no database on the connection: prepare() creates it, every statement names it. The client's own
    // console logging is off: its errors reach the callers, which log them as JSON with the rest
    this.client = createClient({
      url: settings.url,
      username: settings.username,
      password: settings.password,
      request_timeout: settings.requestTimeoutMs ?? 30_000,
      max_open_connections: 10,
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  async prepare(): Promise<void> {
    for (const statement of schemaStatements(this.db)) await this.client.command({ query: statement });
  }

  /** Drops the whole database (tests). */
  async drop(): Promise<void> {
    await this.client.command({ query: `DROP DATABASE IF EXISTS ${this.db}` });
  }

  private async rows(query: string): Promise<Row[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<Row>();
  }

  /**
   * The event ids of `rows` the table holds already, looked up through the primary key (episode
   * and day: a batch spans few days), so the check costs the batch's granules, not the table.
   */
  private async present(table: string, rows: readonly { eventId: string; episodeId: string; day: string }[]): Promise<Set<string>> {
    const episodes = [...new Set(rows.map((r) => r.episodeId))];
    const days = [...new Set(rows.map((r) => r.day))];
    const found = await this.rows(
      `SELECT event_id FROM ${this.db}.${table}
       WHERE episode_id IN (${uuids(episodes)}) AND day IN (${days.map(day).join(', ')}) AND event_id IN (${uuids(rows.map((r) => r.eventId))})`,
    );
    return new Set(found.map((r) => String(r.event_id)));
  }

  private async insertNew<R extends { eventId: string; episodeId: string; day: string }>(
    table: string,
    rows: readonly R[],
    toRow: (row: R) => Row,
    { fresh = false }: InsertOptions = {},
  ): Promise<number> {
    if (!rows.length) return 0;
    const held = fresh ? new Set<string>() : await this.present(table, rows);
    const seen = new Set<string>();
    const added = rows.filter((r) => !held.has(r.eventId) && !seen.has(r.eventId) && seen.add(r.eventId));
    if (added.length) await this.client.insert({ table: `${this.db}.${table}`, values: added.map(toRow), format: 'JSONEachRow' });
    return added.length;
  }

  insertPlays(rows: readonly PlayRow[], options?: InsertOptions): Promise<number> {
    return this.insertNew('plays', rows, (r) => ({
      event_id: r.eventId,
      at: dateTime(r.at),
      day: r.day,
      episode_id: r.episodeId,
      listener_id: r.listenerId,
      session_id: r.sessionId,
      client_app: r.clientApp,
      listened_seconds: Math.max(0, Math.round(r.listenedSeconds)),
      position_seconds: Math.max(0, Math.round(r.positionSeconds)),
      completed: r.completed ? 1 : 0,
    }), options);
  }

  insertDownloads(rows: readonly DownloadRow[], options?: InsertOptions): Promise<number> {
    return this.insertNew('downloads', rows, (r) => ({
      event_id: r.eventId,
      at: dateTime(r.at),
      day: r.day,
      episode_id: r.episodeId,
      rendition: r.rendition,
      ip_hash: r.ipHash,
      user_agent: r.userAgent,
      client_app: r.clientApp,
      counted: r.counted ? 1 : 0,
      bot: r.bot ? 1 : 0,
    }), options);
  }

  private where(scope: Scope): string {
    return `episode_id IN (${uuids(scope.episodeIds)}) AND day >= ${day(scope.fromDay)} AND day <= ${day(scope.toDay)}`;
  }

  /** Downloads and listening grouped by `key`, merged into one figure per key. */
  protected async figuresBy(scope: Scope, key: string): Promise<Map<string, Totals>> {
    const figures = new Map<string, Totals>();
    if (!scope.episodeIds.length) return figures;
    const at = (k: string) => figures.get(k) ?? figures.set(k, { downloads: 0, uniqueListeners: 0, listeningSeconds: 0, sessions: 0 }).get(k)!;
    const [downloads, listening] = await Promise.all([
      this.rows(`SELECT toString(${key}) AS k, sum(downloads) AS downloads FROM ${this.db}.downloads_daily WHERE ${this.where(scope)} GROUP BY k`),
      this.rows(
        `SELECT toString(${key}) AS k, sumMerge(seconds) AS seconds, uniqExactMerge(listeners) AS listeners, uniqExactMerge(sessions) AS sessions
         FROM ${this.db}.listening_daily WHERE ${this.where(scope)} GROUP BY k`,
      ),
    ]);
    for (const r of downloads) at(String(r.k)).downloads = n(r.downloads);
    for (const r of listening) Object.assign(at(String(r.k)), { listeningSeconds: n(r.seconds), uniqueListeners: n(r.listeners), sessions: n(r.sessions) });
    return figures;
  }

  protected bucketOf(interval: Interval): string {
    return BUCKET[interval]('day');
  }

  /**
   * Sessions of the episode whose start day is in the range, by the furthest point each reached:
   * bucket k = floor(20 × furthest position / duration), 20 for a session flagged completed.
   */
  async sessionReach(episodeId: string, fromDay: string, toDay: string, durationSeconds: number | null): Promise<SessionReach> {
    const scope = { episodeIds: [episodeId], fromDay, toDay };
    const sessions = `SELECT session_id, max(position_seconds) AS furthest, max(completed) AS done FROM ${this.db}.plays WHERE ${this.where(scope)} GROUP BY session_id`;
    if (!durationSeconds || durationSeconds <= 0) {
      const [r] = await this.rows(`SELECT count() AS sessions, sum(done) AS completed FROM (${sessions})`);
      return { sessions: n(r?.sessions), completed: n(r?.completed), reached: null };
    }
    const rows = await this.rows(
      `SELECT if(done = 1, ${STEPS}, least(${STEPS}, toUInt32(floor(furthest * ${STEPS} / ${num(durationSeconds)})))) AS bucket, count() AS sessions
       FROM (${sessions}) GROUP BY bucket`,
    );
    const atBucket = new Array<number>(STEPS + 1).fill(0);
    for (const r of rows) atBucket[n(r.bucket)] = n(r.sessions);
    // reached[k]: sessions whose bucket is k or more
    const reached = new Array<number>(STEPS + 1).fill(0);
    for (let k = STEPS, sum = 0; k >= 0; k--) reached[k] = sum += atBucket[k];
    // completion: reached 95 % (bucket 19 or 20) or flagged completed (bucket 20)
    return { sessions: reached[0], completed: reached[STEPS - 1], reached };
  }

  async alsoListened(episodeId: string, limit: number): Promise<SharedListeners[]> {
    const rows = await this.rows(
      `SELECT episode_id, uniqExact(listener_id) AS shared FROM ${this.db}.listener_episodes
       WHERE listener_id IN (SELECT listener_id FROM ${this.db}.episode_listeners WHERE episode_id = ${uuid(episodeId)}) AND episode_id != ${uuid(episodeId)}
       GROUP BY episode_id ORDER BY shared DESC, episode_id LIMIT ${num(limit)}`,
    );
    return rows.map((r) => ({ episodeId: String(r.episode_id), sharedListeners: n(r.shared) }));
  }

  async forListener(listenerId: string, limit: number): Promise<SharedListeners[]> {
    const own = `SELECT episode_id FROM ${this.db}.listener_episodes WHERE listener_id = ${uuid(listenerId)}`;
    const rows = await this.rows(
      `SELECT episode_id, uniqExact(listener_id) AS shared FROM ${this.db}.listener_episodes
       WHERE listener_id IN (SELECT listener_id FROM ${this.db}.episode_listeners WHERE episode_id IN (${own}))
         AND listener_id != ${uuid(listenerId)} AND episode_id NOT IN (${own})
       GROUP BY episode_id ORDER BY shared DESC, episode_id LIMIT ${num(limit)}`,
    );
    return rows.map((r) => ({ episodeId: String(r.episode_id), sharedListeners: n(r.shared) }));
  }

  async ping(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) throw result.error;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

import type { DataSource } from 'typeorm';
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

const BUCKET: Record<Interval, string> = { DAY: 'day', WEEK: "date_trunc('week', day)::date", MONTH: "date_trunc('month', day)::date" };
const STEPS = 20;
type Row = Record<string, string | number | null>;
const n = (value: string | number | null | undefined): number => Number(value ?? 0);

/**
 * The analytics port on plain Postgres tables (one row per event, aggregated when asked): the
 * benchmark's baseline for the ClickHouse adapter, and a store for a deployment without
 * ClickHouse. Same rules: rows are idempotent by event id; ranges include both days.
 */
export class PostgresStore extends GroupedFigures implements AnalyticsStore {
  constructor(
    private readonly dataSource: DataSource,
    /** Table name prefix, so the store can live beside other tables. */
    private readonly prefix = 'store_',
  ) {
    super();
  }

  private t(name: string): string {
    return `${this.prefix}${name}`;
  }

  async prepare(): Promise<void> {
    await this.dataSource.query(`
      CREATE TABLE IF NOT EXISTS ${this.t('plays')} (
        event_id uuid PRIMARY KEY, at timestamptz NOT NULL, day date NOT NULL, episode_id uuid NOT NULL, listener_id uuid NOT NULL,
        session_id uuid NOT NULL, client_app text NOT NULL, listened_seconds integer NOT NULL, position_seconds integer NOT NULL, completed boolean NOT NULL)`);
    await this.dataSource.query(`CREATE INDEX IF NOT EXISTS ${this.t('plays_episode_day')} ON ${this.t('plays')} (episode_id, day)`);
    await this.dataSource.query(`CREATE INDEX IF NOT EXISTS ${this.t('plays_listener')} ON ${this.t('plays')} (listener_id, episode_id)`);
    await this.dataSource.query(`
      CREATE TABLE IF NOT EXISTS ${this.t('downloads')} (
        event_id uuid PRIMARY KEY, at timestamptz NOT NULL, day date NOT NULL, episode_id uuid NOT NULL, rendition text NOT NULL, ip_hash text NOT NULL,
        user_agent text NOT NULL, client_app text NOT NULL, counted boolean NOT NULL, bot boolean NOT NULL)`);
    await this.dataSource.query(`CREATE INDEX IF NOT EXISTS ${this.t('downloads_episode_day')} ON ${this.t('downloads')} (episode_id, day)`);
  }

  /** ON CONFLICT DO NOTHING makes every insert idempotent: `fresh` changes nothing here. */
  async insertPlays(rows: readonly PlayRow[], _options?: InsertOptions): Promise<number> {
    if (!rows.length) return 0;
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO ${this.t('plays')} SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, at timestamptz, day date, episode_id uuid, listener_id uuid,
         session_id uuid, client_app text, listened_seconds integer, position_seconds integer, completed boolean)
       ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
      [
        JSON.stringify(
          rows.map((r) => ({
            event_id: r.eventId, at: r.at.toISOString(), day: r.day, episode_id: r.episodeId, listener_id: r.listenerId, session_id: r.sessionId,
            client_app: r.clientApp, listened_seconds: Math.round(r.listenedSeconds), position_seconds: Math.round(r.positionSeconds), completed: r.completed,
          })),
        ),
      ],
    );
    return inserted.length;
  }

  async insertDownloads(rows: readonly DownloadRow[], _options?: InsertOptions): Promise<number> {
    if (!rows.length) return 0;
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO ${this.t('downloads')} SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, at timestamptz, day date, episode_id uuid, rendition text,
         ip_hash text, user_agent text, client_app text, counted boolean, bot boolean)
       ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
      [
        JSON.stringify(
          rows.map((r) => ({
            event_id: r.eventId, at: r.at.toISOString(), day: r.day, episode_id: r.episodeId, rendition: r.rendition, ip_hash: r.ipHash,
            user_agent: r.userAgent, client_app: r.clientApp, counted: r.counted, bot: r.bot,
          })),
        ),
      ],
    );
    return inserted.length;
  }

  protected async figuresBy(scope: Scope, key: string): Promise<Map<string, Totals>> {
    const figures = new Map<string, Totals>();
    if (!scope.episodeIds.length) return figures;
    const at = (k: string) => figures.get(k) ?? figures.set(k, { downloads: 0, uniqueListeners: 0, listeningSeconds: 0, sessions: 0 }).get(k)!;
    const where = 'episode_id = ANY($1::uuid[]) AND day BETWEEN $2 AND $3';
    const params = [scope.episodeIds, scope.fromDay, scope.toDay];
    const [downloads, listening]: [Row[], Row[]] = await Promise.all([
      this.dataSource.query(`SELECT (${key})::text AS k, count(*) AS downloads FROM ${this.t('downloads')} WHERE ${where} AND counted GROUP BY 1`, params),
      this.dataSource.query(
        `SELECT (${key})::text AS k, sum(listened_seconds) AS seconds, count(DISTINCT listener_id) AS listeners, count(DISTINCT session_id) AS sessions
         FROM ${this.t('plays')} WHERE ${where} GROUP BY 1`,
        params,
      ),
    ]);
    for (const r of downloads) at(String(r.k)).downloads = n(r.downloads);
    for (const r of listening) Object.assign(at(String(r.k)), { listeningSeconds: n(r.seconds), uniqueListeners: n(r.listeners), sessions: n(r.sessions) });
    return figures;
  }

  protected bucketOf(interval: Interval): string {
    return BUCKET[interval];
  }

  async sessionReach(episodeId: string, fromDay: string, toDay: string, durationSeconds: number | null): Promise<SessionReach> {
    const sessions = `SELECT session_id, max(position_seconds) AS furthest, bool_or(completed) AS done FROM ${this.t('plays')}
      WHERE episode_id = $1 AND day BETWEEN $2 AND $3 GROUP BY session_id`;
    if (!durationSeconds || durationSeconds <= 0) {
      const [r]: Row[] = await this.dataSource.query(`SELECT count(*) AS sessions, count(*) FILTER (WHERE done) AS completed FROM (${sessions}) s`, [episodeId, fromDay, toDay]);
      return { sessions: n(r?.sessions), completed: n(r?.completed), reached: null };
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT CASE WHEN done THEN ${STEPS} ELSE least(${STEPS}, floor(furthest * ${STEPS} / $4::float8))::int END AS bucket, count(*) AS sessions FROM (${sessions}) s GROUP BY 1`,
      [episodeId, fromDay, toDay, durationSeconds],
    );
    const atBucket = new Array<number>(STEPS + 1).fill(0);
    for (const r of rows) atBucket[n(r.bucket)] = n(r.sessions);
    const reached = new Array<number>(STEPS + 1).fill(0);
    for (let k = STEPS, sum = 0; k >= 0; k--) reached[k] = sum += atBucket[k];
    return { sessions: reached[0], completed: reached[STEPS - 1], reached };
  }

  async alsoListened(episodeId: string, limit: number): Promise<SharedListeners[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT p.episode_id, count(DISTINCT p.listener_id) AS shared FROM ${this.t('plays')} p
       WHERE p.listener_id IN (SELECT listener_id FROM ${this.t('plays')} WHERE episode_id = $1) AND p.episode_id <> $1
       GROUP BY p.episode_id ORDER BY shared DESC, p.episode_id LIMIT $2`,
      [episodeId, limit],
    );
    return rows.map((r) => ({ episodeId: String(r.episode_id), sharedListeners: n(r.shared) }));
  }

  async forListener(listenerId: string, limit: number): Promise<SharedListeners[]> {
    const own = `SELECT episode_id FROM ${this.t('plays')} WHERE listener_id = $1`;
    const rows: Row[] = await this.dataSource.query(
      `SELECT p.episode_id, count(DISTINCT p.listener_id) AS shared FROM ${this.t('plays')} p
       WHERE p.listener_id IN (SELECT listener_id FROM ${this.t('plays')} WHERE episode_id IN (${own})) AND p.listener_id <> $1 AND p.episode_id NOT IN (${own})
       GROUP BY p.episode_id ORDER BY shared DESC, p.episode_id LIMIT $2`,
      [listenerId, limit],
    );
    return rows.map((r) => ({ episodeId: String(r.episode_id), sharedListeners: n(r.shared) }));
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async close(): Promise<void> {
    // the data source belongs to its creator
  }
}

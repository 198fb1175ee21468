import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import type { Producer } from './contract';
import type { EventEnvelope } from './envelope';
import { envelopeOfRow, type OutboxRow } from './outbox';

/**
 * A producer's durable event log: its outbox rows that reached the transport, numbered by
 * `seq`. Each producer serves its own log over HTTP (no context reads another's database);
 * consumers fetch what their transport lost, and rebuilds replay from it.
 */
export const EVENT_LOG_PATH = '/events/log';
/** Most events one page carries. */
export const MAX_LOG_PAGE = 2_000;

export interface LoggedEvent extends EventEnvelope {
  seq: number;
  /** When the event reached the transport. */
  publishedAt: string;
}

export interface LogPage {
  producer: string;
  /** The newest number in the log (0 when nothing was sent yet). */
  head: number;
  /** The oldest number still kept (older ones are past the retention). */
  tail: number;
  /** Events numbered above `after`, oldest first, at most `limit`. */
  events: LoggedEvent[];
}

interface LogRow extends OutboxRow {
  seq: string;
  published_at: Date;
}

export async function readLog(dataSource: DataSource, producer: Producer | string, after: number, limit: number): Promise<LogPage> {
  const [bounds] = (await dataSource.query('SELECT COALESCE(max(seq), 0)::text AS head, COALESCE(min(seq), 0)::text AS tail FROM outbox WHERE seq IS NOT NULL')) as { head: string; tail: string }[];
  const rows: LogRow[] = limit > 0
    ? await dataSource.query(
        `SELECT seq, position, event_id, type, version, aggregate_id, occurred_at, published_at, payload, trace
         FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, Math.min(limit, MAX_LOG_PAGE)],
      )
    : [];
  return {
    producer,
    head: Number(bounds.head),
    tail: Number(bounds.tail),
    events: rows.map((row) => ({ ...envelopeOfRow(row, Number(row.seq)), seq: Number(row.seq), publishedAt: row.published_at.toISOString() })),
  };
}

const SIGNATURE = 'x-wavegraph-log-signature';
const TIMESTAMP = 'x-wavegraph-log-timestamp';
const MAX_SKEW_MS = 60_000;

const sign = (secret: string, timestamp: string, pathAndQuery: string): string =>
  createHmac('sha256', secret).update(`wavegraph-log-v1\n${timestamp}\n${pathAndQuery}`).digest('hex');

/** Headers that let a Wavegraph process read a producer's log (events carry users' data: never public). */
export function signLogRequest(secret: string, pathAndQuery: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return { [TIMESTAMP]: timestamp, [SIGNATURE]: sign(secret, timestamp, pathAndQuery) };
}

export function verifyLogRequest(secret: string, pathAndQuery: string, headers: IncomingMessage['headers'], now = Date.now()): boolean {
  const timestamp = headers[TIMESTAMP];
  const signature = headers[SIGNATURE];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (!(Math.abs(now - Number(timestamp)) <= MAX_SKEW_MS)) return false;
  const expected = Buffer.from(sign(secret, timestamp, pathAndQuery), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const nonNegativeInt = (raw: string | null, fallback: number): number | null => {
  if (raw === null) return fallback;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
};

/** `GET /events/log?after=<seq>&limit=<n>`, signed by a Wavegraph process; answers a LogPage as JSON. */
export function serveLog(options: { dataSource: DataSource; producer: Producer; secret: string }): (req: IncomingMessage, res: ServerResponse) => void {
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  return (req, res) => {
    const pathAndQuery = req.url ?? '';
    if (!verifyLogRequest(options.secret, pathAndQuery, req.headers)) return reply(res, 401, { error: 'a signed request from a Wavegraph process is required' });
    const query = new URL(pathAndQuery, 'http://log').searchParams;
    const after = nonNegativeInt(query.get('after'), 0);
    const limit = nonNegativeInt(query.get('limit'), 500);
    if (after === null || limit === null) return reply(res, 400, { error: '`after` and `limit` take non-negative integers' });
    readLog(options.dataSource, options.producer, after, limit).then(
      (page) => reply(res, 200, page),
      () => reply(res, 503, { error: 'the log cannot be read now' }),
    );
  };
}

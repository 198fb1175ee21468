import { createHash } from 'node:crypto';
import { EnclosureRequested, on, type EventEnvelope, type PayloadOf } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import { clientAppOf, isBotAgent } from './client-app';
import { utcDay } from './listening.rules';

import { enqueue } from './pending';

/** IAB-style: one listener's requests for one episode count once per this window. */
export const DOWNLOAD_WINDOW_MS = 24 * 3600_000;

type Request = PayloadOf<typeof EnclosureRequested>;

/**
 * Downloads from media's enclosure requests (media.EnclosureRequested), after the IAB podcast
 * measurement guidelines:
 * - a listener is the address hash (never the address) plus the exact user agent;
 * - the first request of a listener for an episode counts, and opens a 24-hour window in which
 *   their further requests (range requests, retries, re-downloads) do not; the first request at
 *   or after the window's end counts again and opens the next window;
 * - bots (isbot's list; see client-app.ts) never count and open no window;
 * - a download counts on the UTC day of its request, for the client app its user agent names.
 * Every request is kept (counted or not) so a rule can be revisited over the raw rows.
 */
async function applyRequest(event: EventEnvelope<Request>, tx: EntityManager): Promise<void> {
  const { episodeId, rendition, ipHash, userAgent } = event.payload;
  const at = new Date(event.occurredAt);
  const bot = isBotAgent(userAgent);
  let counted = false;
  if (!bot) {
    const listenerKey = `${ipHash}:${createHash('sha256').update(userAgent).digest('hex')}`;
    // the window moves only when this request counts: a request inside it changes nothing
    const opened: unknown[] = await tx.query(
      `INSERT INTO download_windows (episode_id, listener_key, window_start) VALUES ($1, $2, $3)
       ON CONFLICT (episode_id, listener_key) DO UPDATE SET window_start = EXCLUDED.window_start
       WHERE download_windows.window_start + make_interval(secs => $4) <= EXCLUDED.window_start
       RETURNING 1`,
      [episodeId, listenerKey, at, DOWNLOAD_WINDOW_MS / 1000],
    );
    counted = opened.length > 0;
  }
  await enqueue(tx, {
    kind: 'download',
    row: { eventId: event.id, at, day: utcDay(at), episodeId, rendition, ipHash, userAgent, clientApp: clientAppOf(userAgent), counted, bot },
  });
}

export const downloadHandlers = [on(EnclosureRequested, applyRequest)];

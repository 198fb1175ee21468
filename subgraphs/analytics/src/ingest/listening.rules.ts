import { on, PlayRecorded, type EventEnvelope, type PayloadOf } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import { reportedApp } from './client-app';
import { enqueue } from './pending';

/** Heartbeats of one listener and episode at most this far apart belong to one session. */
export const SESSION_GAP_MS = 30 * 60_000;

type Heartbeat = PayloadOf<typeof PlayRecorded>;

interface SessionState {
  session_id: string;
  session_day: string;
  last_at: Date;
  last_position: number;
}

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Listening sessions from recordPlay's heartbeats (engagement.PlayRecorded; the envelope's
 * occurredAt is when the listener was at positionSeconds). Rules:
 * - one listener and episode, heartbeats at most 30 minutes apart: one session; a longer pause,
 *   or the first heartbeat, starts a new one (its id is that heartbeat's event id);
 * - a session belongs to the UTC day it started, even when it goes on past midnight;
 * - time listened is the forward progress of the position between consecutive heartbeats,
 *   bounded by the wall clock between them (a seek forward is not listening; a seek back
 *   counts nothing, and later progress counts from where it went back to); a session's first
 *   heartbeat adds nothing;
 * - a heartbeat older than the last one seen (it cannot happen within an aggregate's order, but
 *   a replay could) adds nothing and leaves the session as it is.
 * Completion and drop-off come from each session's furthest position (store: sessionReach).
 * Events of one episode arrive in order (the episode is PlayRecorded's aggregate), so the state
 * below sees a listener's heartbeats in order.
 */
async function applyHeartbeat(event: EventEnvelope<Heartbeat>, tx: EntityManager): Promise<void> {
  const { episodeId, userId, positionSeconds, completed, clientApp } = event.payload;
  const at = new Date(event.occurredAt);
  const [state]: SessionState[] = await tx.query(
    `SELECT session_id, to_char(session_day, 'YYYY-MM-DD') AS session_day, last_at, last_position
     FROM listening_sessions WHERE listener_id = $1 AND episode_id = $2 FOR UPDATE`,
    [userId, episodeId],
  );
  let sessionId: string;
  let sessionDay: string;
  let listened = 0;
  if (!state || at.getTime() - state.last_at.getTime() > SESSION_GAP_MS) {
    sessionId = event.id;
    sessionDay = utcDay(at);
  } else {
    sessionId = state.session_id;
    sessionDay = state.session_day;
    const wallSeconds = (at.getTime() - state.last_at.getTime()) / 1000;
    if (wallSeconds >= 0) listened = Math.max(0, Math.min(positionSeconds - state.last_position, wallSeconds));
  }
  if (!state || at >= state.last_at) {
    await tx.query(
      `INSERT INTO listening_sessions (listener_id, episode_id, session_id, session_day, last_at, last_position) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (listener_id, episode_id) DO UPDATE SET session_id = EXCLUDED.session_id, session_day = EXCLUDED.session_day,
         last_at = EXCLUDED.last_at, last_position = EXCLUDED.last_position`,
      [userId, episodeId, sessionId, sessionDay, at, positionSeconds],
    );
  }
  await enqueue(tx, {
    kind: 'play',
    row: {
      eventId: event.id,
      at,
      day: sessionDay,
      episodeId,
      listenerId: userId,
      sessionId,
      clientApp: reportedApp(clientApp),
      listenedSeconds: Math.round(listened),
      positionSeconds,
      completed,
    },
  });
}

export const listeningHandlers = [on(PlayRecorded, applyHeartbeat)];

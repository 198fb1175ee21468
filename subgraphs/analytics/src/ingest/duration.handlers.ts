import { MediaReady, on } from '@wavegraph/events';

/**
 * Each episode's duration (for completion and drop-off), from media.MediaReady: the newest
 * ready media of the episode wins (`position` is media's order, so a redelivered older event
 * cannot bring back an older duration).
 */
export const durationHandlers = [
  on(MediaReady, async (event, tx) => {
    await tx.query(
      `INSERT INTO episode_durations (episode_id, duration_seconds, position) VALUES ($1, $2, $3)
       ON CONFLICT (episode_id) DO UPDATE SET duration_seconds = EXCLUDED.duration_seconds, position = EXCLUDED.position
       WHERE episode_durations.position < EXCLUDED.position`,
      [event.payload.episodeId, event.payload.durationSeconds, event.position],
    );
  }),
];

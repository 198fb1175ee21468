import { TranscriptPublished, type EventEnvelope, type EventHandler, type Producer } from '@wavegraph/events';
import { activityHandlers } from '../activity/activity.projection';
import type { CacheScope } from '../cache/query-cache';
import { episodeHandlers } from '../episode/episode.projection';
import { showHandlers } from '../show/show.projection';
import { transcriptHandlers } from '../transcript/transcript.projection';

/** The consumer group (and inbox consumer name) of discovery. */
export const DISCOVERY_GROUP = 'discovery';
export const DISCOVERY_PRODUCERS: readonly Producer[] = ['catalog', 'engagement', 'media'];

/** Every handler, used alike by the live consumer and by a rebuild, so both build the same tables. */
export const discoveryHandlers: readonly EventHandler[] = [...showHandlers, ...episodeHandlers, ...activityHandlers, ...transcriptHandlers];

/** Everything the handlers write; a rebuild empties exactly these. */
export const PROJECTION_TABLES = ['show_docs', 'episode_docs', 'episode_activity', 'listener_affinity', 'episode_transcripts', 'transcript_segments'] as const;

/** Which cached results a batch of applied events makes stale. */
export function scopesOf(events: readonly EventEnvelope[]): CacheScope[] {
  const scopes = new Set<CacheScope>();
  for (const event of events) {
    if (event.type.startsWith('catalog.') || event.type === TranscriptPublished.type) scopes.add('docs');
    else if (event.type.startsWith('engagement.')) scopes.add('activity');
  }
  return [...scopes];
}

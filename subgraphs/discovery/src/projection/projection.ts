import type { EventEnvelope, EventHandler, Producer } from '@wavegraph/events';
import { activityHandlers } from '../activity/activity.projection';
import type { CacheScope } from '../cache/query-cache';
import { episodeHandlers } from '../episode/episode.projection';
import { showHandlers } from '../show/show.projection';

/** The consumer group (and inbox consumer name) of discovery. */
export const DISCOVERY_GROUP = 'discovery';
export const DISCOVERY_PRODUCERS: readonly Producer[] = ['catalog', 'engagement'];

/** Every handler, used alike by the live consumer and by a rebuild, so both build the same tables. */
export const discoveryHandlers: readonly EventHandler[] = [...showHandlers, ...episodeHandlers, ...activityHandlers];

/** Everything the handlers write; a rebuild empties exactly these. */
export const PROJECTION_TABLES = ['show_docs', 'episode_docs', 'episode_activity', 'listener_affinity'] as const;

/** Which cached results a batch of applied events makes stale. */
export function scopesOf(events: readonly EventEnvelope[]): CacheScope[] {
  const scopes = new Set<CacheScope>();
  for (const event of events) scopes.add(event.type.startsWith('catalog.') ? 'docs' : 'activity');
  return [...scopes];
}

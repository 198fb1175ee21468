import { knownEpisodeVisibility } from '@wavegraph/events';
import type { EngagementServices } from '../services';

/** Catalog's episode rule read from our known_episodes: what engagement shows of an episode follows it. */
export const episodeVisibility = knownEpisodeVisibility<EngagementServices>((services) => services.knownEpisodes);

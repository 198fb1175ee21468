import { knownEpisodeVisibility } from '@wavegraph/events';
import type { NotificationsServices } from '../services';

/** Catalog's episode rule read from our known_episodes: a notification about an episode follows it. */
export const episodeVisibility = knownEpisodeVisibility<NotificationsServices>((services) => services.knownEpisodes);

import { knownEpisodeVisibility } from '@wavegraph/events';
import type { MediaServices } from '../services';

/** Catalog's episode rule read from our known_episodes: an episode's media follows it. */
export const episodeVisibility = knownEpisodeVisibility<MediaServices>((services) => services.knownEpisodes);

import { knownEpisodeAccessMigration } from '@wavegraph/events';

/** Which episodes are PREMIUM: their media is signed for PREMIUM listeners, the owner and staff only. */
export const KnownEpisodeAccess1766850000000 = knownEpisodeAccessMigration();

import { isbot } from 'isbot';
import { UAParser, type UAParserExt } from 'ua-parser-js';

// a subpath export, which the workspace's module resolution (node10) cannot type: loaded at run time
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MediaPlayers } = require('ua-parser-js/extensions') as { MediaPlayers: Exclude<UAParserExt, unknown[]> };

export const UNKNOWN_APP = 'Unknown';

/*
 * Podcast players by the token their downloads carry. ua-parser-js knows browsers and media
 * frameworks (AppleCoreMedia, VLC, ...) but not podcast apps, and isbot takes several of them
 * for crawlers (their user agents carry a "+http://" link, as feed fetchers do); no maintained
 * npm package lists them, so the few that dominate podcast downloads are named here, first.
 */
const PODCAST_APPS: readonly [RegExp, string][] = [
  [/^Podcasts\/|^Balados\/|iTunes\//i, 'Apple Podcasts'],
  [/Overcast/i, 'Overcast'],
  [/Pocket ?Casts/i, 'Pocket Casts'],
  [/Castro/i, 'Castro'],
  [/Spotify/i, 'Spotify'],
  [/CastBox/i, 'Castbox'],
  [/Podcast ?Addict/i, 'Podcast Addict'],
  [/AntennaPod/i, 'AntennaPod'],
  [/PodcastGuru/i, 'Podcast Guru'],
  [/Podbean/i, 'Podbean'],
  [/Deezer/i, 'Deezer'],
  [/Wavegraph/i, 'Wavegraph'],
];

const MAX_APP_LENGTH = 64;

/** The client app of a download: a known podcast player, else the browser or media player ua-parser-js names. */
export function clientAppOf(userAgent: string): string {
  for (const [pattern, name] of PODCAST_APPS) if (pattern.test(userAgent)) return name;
  const browser = new UAParser(userAgent, [MediaPlayers]).getBrowser().name;
  return browser ? browser.slice(0, MAX_APP_LENGTH) : UNKNOWN_APP;
}

/** Bots (isbot's maintained list), except the podcast players above; an empty user agent is a bot too. */
export function isBotAgent(userAgent: string): boolean {
  if (!userAgent.trim()) return true;
  if (PODCAST_APPS.some(([pattern]) => pattern.test(userAgent))) return false;
  return isbot(userAgent);
}

/** The app a player reported with its heartbeat (recordPlay's clientApp), or Unknown. */
export const reportedApp = (clientApp: string | undefined): string => clientApp?.trim().slice(0, MAX_APP_LENGTH) || UNKNOWN_APP;

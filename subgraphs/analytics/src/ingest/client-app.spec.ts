import { clientAppOf, isBotAgent, reportedApp } from './client-app';

describe('client apps and bots from user agents', () => {
  it.each([
    ['Podcasts/1650.20 CFNetwork/1404.0.5 Darwin/22.3.0', 'Apple Podcasts', false],
    ['Overcast/3.0 (+http://overcast.fm/; iOS podcast app)', 'Overcast', false],
    ['PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)', 'Pocket Casts', false],
    ['Spotify/8.8.0 iOS/16.0 (iPhone14,2)', 'Spotify', false],
    ['AppleCoreMedia/1.0.0.21E230 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)', 'AppleCoreMedia', false],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome', false],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Unknown', true],
    ['curl/8.5.0', 'Unknown', true],
    ['', 'Unknown', true],
  ])('%s → %s (bot: %s)', (agent, app, bot) => {
    expect([clientAppOf(agent), isBotAgent(agent)]).toEqual([app, bot]);
  });

  it('keeps what a player reported, Unknown when it said nothing', () => {
    expect([reportedApp('Wavegraph Web'), reportedApp(undefined), reportedApp('  ')]).toEqual(['Wavegraph Web', 'Unknown', 'Unknown']);
  });
});

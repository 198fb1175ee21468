import { podcastGuidOf } from './feed.config';

describe('podcast:guid', () => {
  it('is the UUIDv5 of the feed URL without scheme or trailing slash (the Podcasting 2.0 example)', () => {
    expect(podcastGuidOf('https://mp3s.nashownotes.com/pc20rss.xml')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
    expect(podcastGuidOf('http://mp3s.nashownotes.com/pc20rss.xml/')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
  });
});

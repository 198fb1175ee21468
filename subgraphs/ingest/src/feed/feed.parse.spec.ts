import { atomFeed, itunesRss, MALFORMED, podcasting20Rss, youtubeFeed } from '../testing/feeds';
import { categoryOf } from './category';
import { parseFeedXml } from './feed.parse';
import { FeedParseError } from './feed.types';

describe('parseFeedXml', () => {
  it('reads an iTunes RSS feed into a show and its items, oldest first', () => {
    const feed = parseFeedXml(
      itunesRss({
        category: 'Society &amp; Culture',
        subcategory: 'Documentary',
        items: [
          { guid: 'ep-2', title: 'Second', description: 'Two <b>bold</b>', pubDate: 'Tue, 02 Jan 2024 10:00:00 GMT', season: 1, episode: 2 },
          { guid: 'ep-1', title: 'First', description: 'One', pubDate: 'Mon, 01 Jan 2024 10:00:00 GMT', season: 1, episode: 1 },
        ],
      }),
    );
    expect(feed).toMatchObject({ kind: 'RSS', title: 'The Test Cast', language: 'en-US', category: 'SOCIETY', subcategory: 'DOCUMENTARY', artworkUrl: 'https://example.com/art.jpg', skipped: [] });
    expect(feed.description).toBe('A show & its episodes');
    expect(feed.items.map((i) => [i.guid, i.title, i.seasonNumber, i.episodeNumber])).toEqual([
      ['ep-1', 'First', 1, 1],
      ['ep-2', 'Second', 1, 2],
    ]);
    expect(feed.items[1].description).toBe('Two bold');
    expect(feed.items[0].enclosure).toEqual({ url: 'https://cdn.example.com/ep-1.mp3', mimeType: 'audio/mpeg', lengthBytes: 12345 });
  });

  it('picks the transcript media can use (VTT, then SRT, then JSON; never plain text or HTML) and the chapters file', () => {
    const feed = parseFeedXml(
      itunesRss({
        items: [
          {
            guid: 'srt', title: 'SRT wins', pubDate: 'Mon, 01 Jan 2024 10:00:00 GMT',
            xml: `<podcast:transcript url="https://example.com/1.html" type="text/html"/>
              <podcast:transcript url="https://example.com/1.json" type="application/json" language="es"/>
              <podcast:transcript url="https://example.com/1.srt" type="application/x-subrip"/>
              <podcast:chapters url="https://example.com/1.chapters.json" type="application/json+chapters"/>`,
          },
          {
            guid: 'vtt', title: 'VTT wins', pubDate: 'Tue, 02 Jan 2024 10:00:00 GMT',
            xml: `<podcast:transcript url="https://example.com/2.json" type="application/json"/>
              <podcast:transcript url="https://example.com/2.vtt" type="text/vtt" language="en"/>`,
          },
          { guid: 'none', title: 'Text only', pubDate: 'Wed, 03 Jan 2024 10:00:00 GMT', xml: '<podcast:transcript url="https://example.com/3.txt" type="text/plain"/><podcast:chapters url="javascript:alert(1)" type="application/json+chapters"/>' },
        ],
      }),
    );
    expect(feed.items.map((i) => [i.guid, i.transcript, i.chaptersUrl])).toEqual([
      ['srt', { type: 'SRT', url: 'https://example.com/1.srt', language: 'en-us' }, 'https://example.com/1.chapters.json'],
      ['vtt', { type: 'VTT', url: 'https://example.com/2.vtt', language: 'en' }, null],
      ['none', null, null],
    ]);
  });

  it('reads Podcasting 2.0 tags (podcast:season/episode, person, locked) beside the iTunes ones', () => {
    const feed = parseFeedXml(podcasting20Rss());
    expect(feed).toMatchObject({ title: 'Podcasting Two', language: 'pt-BR', category: 'SOCIETY', explicit: true, author: 'Ada and Grace', showType: 'SERIAL', locked: false });
    // what catalog would refuse is dropped or set to the default, never the whole show: a bad role, a link that is no URL, a nameless person
    expect(feed.people).toEqual([
      { name: 'Ada Host', role: 'host', group: 'cast', href: 'https://example.com/ada', img: null },
      { name: 'Grace Guest', role: 'host', group: 'cast', href: null, img: null },
    ]);
    expect(feed.items.map((i) => [i.guid, i.episodeType, i.explicit])).toEqual([
      ['p20-0', 'TRAILER', false],
      // no itunes:explicit on the item: as the show
      ['p20-1', 'FULL', null],
    ]);
    expect(feed.items[1]).toMatchObject({ title: 'Chapter one', seasonNumber: 2, episodeNumber: 7 });
    expect(feed.items[1].people).toEqual([{ name: 'Ada Host', role: 'host', group: 'cast', href: null, img: 'https://example.com/host.jpg' }]);
    expect(parseFeedXml(podcasting20Rss({ locked: true })).locked).toBe(true);
  });

  it('skips items without an enclosure and a guid seen earlier, saying why', () => {
    const feed = parseFeedXml(
      itunesRss({
        items: [
          { guid: 'a', title: 'Has audio', pubDate: 'Mon, 01 Jan 2024 10:00:00 GMT' },
          { guid: 'b', title: 'Blog post', enclosureUrl: null },
          { guid: 'a', title: 'Same guid again', pubDate: 'Tue, 02 Jan 2024 10:00:00 GMT' },
        ],
      }),
    );
    expect(feed.items.map((i) => i.title)).toEqual(['Has audio']);
    expect(feed.skipped).toEqual([
      { item: 'b', reason: 'no enclosure (audio or video file)' },
      { item: 'a', reason: 'the same guid appears earlier in the feed' },
    ]);
  });

  it('reads Atom: enclosure links are the media, entries without one are skipped', () => {
    const feed = parseFeedXml(atomFeed());
    expect(feed).toMatchObject({ kind: 'ATOM', title: 'Atom Cast', description: 'Atom with enclosures', language: 'de', category: 'SCIENCE', artworkUrl: 'https://example.com/atom.png' });
    expect(feed.items.map((i) => [i.guid, i.enclosure?.url])).toEqual([
      ['urn:atom:1', 'https://cdn.example.com/a1.mp3'],
      ['urn:atom:2', 'https://cdn.example.com/a2.mp3'],
    ]);
    expect(feed.skipped).toEqual([{ item: 'urn:atom:3', reason: 'no enclosure (audio or video file)' }]);
  });

  it('reads a YouTube channel feed: each video an episode without media, its watch link in the description', () => {
    const feed = parseFeedXml(
      youtubeFeed([
        { id: 'vid2', title: 'Newer video', published: '2024-05-02T00:00:00+00:00' },
        { id: 'vid1', title: 'Older video', published: '2024-05-01T00:00:00+00:00' },
      ]),
    );
    expect(feed).toMatchObject({ kind: 'YOUTUBE', title: 'Test Channel', category: 'TV_AND_FILM', skipped: [] });
    expect(feed.items.map((i) => i.title)).toEqual(['Older video', 'Newer video']);
    expect(feed.items[0]).toMatchObject({ guid: 'yt:video:vid1', enclosure: null, link: 'https://www.youtube.com/watch?v=vid1' });
    expect(feed.items[0].description).toBe('About Older video\n\nVideo: https://www.youtube.com/watch?v=vid1');
  });

  it('refuses malformed XML and documents that are not feeds, with the reason', () => {
    expect(() => parseFeedXml(MALFORMED)).toThrow(FeedParseError);
    expect(() => parseFeedXml(MALFORMED)).toThrow(/malformed XML at line 3/);
    expect(() => parseFeedXml('<html><body>hello</body></html>')).toThrow('not an RSS or Atom feed');
  });

  it('maps categories to ShowCategory, old names and subcategories included, with a fallback', () => {
    expect(categoryOf(['Games & Hobbies'], 'SOCIETY')).toEqual({ category: 'LEISURE', subcategory: null });
    expect(categoryOf(['health & fitness > nutrition'], 'SOCIETY')).toEqual({ category: 'HEALTH', subcategory: 'NUTRITION' });
    expect(categoryOf(['Knitting', 'True Crime'], 'SOCIETY')).toEqual({ category: 'TRUE_CRIME', subcategory: null });
    expect(categoryOf(['Knitting'], 'SOCIETY')).toEqual({ category: 'SOCIETY', subcategory: null });
    // an old category name keeps a subcategory that is its successor's
    expect(categoryOf(['Games & Hobbies > Video Games'], 'SOCIETY')).toEqual({ category: 'LEISURE', subcategory: 'VIDEO_GAMES' });
  });

  it("maps a nested itunes:category to category and subcategory, dropping a subcategory Apple does not list or that is another category's", () => {
    const withCategories = (categories: string) => parseFeedXml(itunesRss({ items: [] }).replace(/<itunes:category[^]*?<\/itunes:category>/, categories));
    expect(withCategories('<itunes:category text="News"><itunes:category text="Tech News"/></itunes:category>')).toMatchObject({ category: 'NEWS', subcategory: 'TECH_NEWS' });
    expect(withCategories('<itunes:category text="Arts"><itunes:category text="Books"/></itunes:category>')).toMatchObject({ category: 'ARTS', subcategory: 'BOOKS' });
    expect(withCategories('<itunes:category text="Kids &amp; Family"><itunes:category text="pets and animals"/></itunes:category>')).toMatchObject({ category: 'KIDS_AND_FAMILY', subcategory: 'PETS_AND_ANIMALS' });
    expect(withCategories('<itunes:category text="Business"><itunes:category text="Knitting"/></itunes:category>')).toMatchObject({ category: 'BUSINESS', subcategory: null });
    expect(withCategories('<itunes:category text="Business"><itunes:category text="Tech News"/></itunes:category>')).toMatchObject({ category: 'BUSINESS', subcategory: null });
    expect(withCategories('<itunes:category text="Technology"/>')).toMatchObject({ category: 'TECHNOLOGY', subcategory: null });
    // the first category that is Apple's, with its own subcategory
    expect(withCategories('<itunes:category text="Cars"><itunes:category text="Racing"/></itunes:category><itunes:category text="Sports"><itunes:category text="Running"/></itunes:category>'))
      .toMatchObject({ category: 'SPORTS', subcategory: 'RUNNING' });
    expect(withCategories('')).toMatchObject({ category: 'SOCIETY', subcategory: null });
  });

  it('reads Atom and YouTube categories without a subcategory unless one is nested in the term', () => {
    expect(parseFeedXml(atomFeed())).toMatchObject({ category: 'SCIENCE', subcategory: null });
    expect(parseFeedXml(atomFeed().replace('term="Science"', 'term="Science &gt; Physics"'))).toMatchObject({ category: 'SCIENCE', subcategory: 'PHYSICS' });
    expect(parseFeedXml(youtubeFeed([]))).toMatchObject({ category: 'TV_AND_FILM', subcategory: null });
  });
});

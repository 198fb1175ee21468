/** Feeds of each shape ingest reads, made by the tests (nothing is fetched from outside). */
export interface TestItem {
  guid?: string;
  title: string;
  description?: string;
  pubDate?: string;
  enclosureUrl?: string | null;
  season?: number;
  episode?: number;
  /** Raw XML inside the item (podcast:transcript, podcast:chapters). */
  xml?: string;
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function itunesRss(options: { title?: string; category?: string; subcategory?: string; language?: string; image?: string; items: TestItem[] }): string {
  const items = options.items
    .map((item) => `
    <item>
      <title>${esc(item.title)}</title>
      ${item.guid ? `<guid isPermaLink="false">${esc(item.guid)}</guid>` : ''}
      <description><![CDATA[<p>${item.description ?? ''}</p>]]></description>
      ${item.pubDate ? `<pubDate>${item.pubDate}</pubDate>` : ''}
      ${item.enclosureUrl === null ? '' : `<enclosure url="${esc(item.enclosureUrl ?? `https://cdn.example.com/${item.guid ?? 'x'}.mp3`)}" length="12345" type="audio/mpeg"/>`}
      <itunes:duration>00:10:00</itunes:duration>
      ${item.season ? `<itunes:season>${item.season}</itunes:season>` : ''}
      ${item.episode ? `<itunes:episode>${item.episode}</itunes:episode>` : ''}
      <itunes:explicit>false</itunes:explicit>
      ${item.xml ?? ''}
    </item>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>${esc(options.title ?? 'The Test Cast')}</title>
    <link>https://example.com/cast</link>
    <language>${options.language ?? 'en-us'}</language>
    <description>A show &amp; its &lt;b&gt;episodes&lt;/b&gt;</description>
    <itunes:author>Test Author</itunes:author>
    <itunes:image href="${options.image ?? 'https://example.com/art.jpg'}"/>
    <itunes:category text="${esc(options.category ?? 'Technology')}">${options.subcategory ? `<itunes:category text="${esc(options.subcategory)}"/>` : ''}</itunes:category>
    <itunes:explicit>false</itunes:explicit>
    ${items}
  </channel>
</rss>`;
}

export function podcasting20Rss(options: { locked?: boolean } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>Podcasting Two</title>
    <link>https://example.com/p20</link>
    <language>pt-br</language>
    <description>Namespaced</description>
    <podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
    <podcast:locked owner="owner@example.com">${options.locked ? 'yes' : 'no'}</podcast:locked>
    <itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>
    <itunes:author>Ada and Grace</itunes:author>
    <itunes:explicit>true</itunes:explicit>
    <itunes:type>serial</itunes:type>
    <podcast:person role="host" href="https://example.com/ada">Ada Host</podcast:person>
    <podcast:person role="Chief Vibes!" img="not a url">Grace Guest</podcast:person>
    <podcast:person role="guest"> </podcast:person>
    <item>
      <title>Trailer</title>
      <guid isPermaLink="false">p20-0</guid>
      <description>Coming soon</description>
      <pubDate>Sun, 31 Dec 2023 10:00:00 GMT</pubDate>
      <enclosure url="https://cdn.example.com/p20-0.mp3" length="99" type="audio/mpeg"/>
      <itunes:episodeType>trailer</itunes:episodeType>
      <itunes:explicit>false</itunes:explicit>
    </item>
    <item>
      <title>Chapter one</title>
      <guid isPermaLink="false">p20-1</guid>
      <description>With chapters</description>
      <pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="https://cdn.example.com/p20-1.mp3" length="999" type="audio/mpeg"/>
      <podcast:transcript url="https://example.com/p20-1.vtt" type="text/vtt"/>
      <podcast:chapters url="https://example.com/p20-1.json" type="application/json+chapters"/>
      <podcast:person role="host" img="https://example.com/host.jpg">Ada Host</podcast:person>
      <podcast:season>2</podcast:season>
      <podcast:episode>7</podcast:episode>
    </item>
  </channel>
</rss>`;
}

export function atomFeed(): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Atom Cast</title>
  <subtitle>Atom with enclosures</subtitle>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-02-01T00:00:00Z</updated>
  <logo>https://example.com/atom.png</logo>
  <category term="Science"/>
  <entry>
    <title>Second</title>
    <id>urn:atom:2</id>
    <published>2024-02-01T00:00:00Z</published>
    <link rel="alternate" href="https://example.com/2"/>
    <link rel="enclosure" type="audio/mpeg" length="2000" href="https://cdn.example.com/a2.mp3"/>
    <summary>Two</summary>
  </entry>
  <entry>
    <title>First</title>
    <id>urn:atom:1</id>
    <published>2024-01-01T00:00:00Z</published>
    <link rel="enclosure" type="audio/mpeg" length="1000" href="https://cdn.example.com/a1.mp3"/>
    <summary>One</summary>
  </entry>
  <entry>
    <title>Text only</title>
    <id>urn:atom:3</id>
    <published>2024-03-01T00:00:00Z</published>
    <link rel="alternate" href="https://example.com/3"/>
  </entry>
</feed>`;
}

/** The shape of https://www.youtube.com/feeds/videos.xml?channel_id=… */
export function youtubeFeed(videos: Array<{ id: string; title: string; published: string }>): string {
  const entries = videos
    .map((v) => `
 <entry>
  <id>yt:video:${v.id}</id>
  <yt:videoId>${v.id}</yt:videoId>
  <yt:channelId>UCtestchannel000000000000</yt:channelId>
  <title>${esc(v.title)}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=${v.id}"/>
  <author><name>Test Channel</name><uri>https://www.youtube.com/channel/UCtestchannel000000000000</uri></author>
  <published>${v.published}</published>
  <updated>${v.published}</updated>
  <media:group>
   <media:title>${esc(v.title)}</media:title>
   <media:content url="https://www.youtube.com/v/${v.id}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i1.ytimg.com/vi/${v.id}/hqdefault.jpg" width="480" height="360"/>
   <media:description>About ${esc(v.title)}</media:description>
  </media:group>
 </entry>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="https://www.youtube.com/feeds/videos.xml?channel_id=UCtestchannel000000000000"/>
 <id>yt:channel:testchannel000000000000</id>
 <yt:channelId>testchannel000000000000</yt:channelId>
 <title>Test Channel</title>
 <link rel="alternate" href="https://www.youtube.com/channel/UCtestchannel000000000000"/>
 <author><name>Test Channel</name><uri>https://www.youtube.com/channel/UCtestchannel000000000000</uri></author>
 <published>2020-01-01T00:00:00+00:00</published>${entries}
</feed>`;
}

export const MALFORMED = `<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title>\n<item><title>Unclosed</item></channel></rss>`;

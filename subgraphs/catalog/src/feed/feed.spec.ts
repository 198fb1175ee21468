import { parseFeed } from 'podcast-partytime';
import { create } from 'xmlbuilder2';
import { v5 as uuidv5 } from 'uuid';
import { connectRedis } from '@wavegraph/kit';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { createEpisode, createShow, errorOf, publishedEpisode, startCatalog, transition, uniqueSlug, viewer, type CatalogHarness } from '../testing/harness';
import { fetchFeed, FEED_CONFIG, MediaEvents } from '../testing/feeds';

const ARTWORK = 'https://cdn.example.com/art/show.jpg';
const HOST = { name: 'Ada Host', role: 'host', group: 'cast', href: 'https://ada.example.com', img: 'https://ada.example.com/ada.jpg' };
const GUEST = { name: 'Grace Guest', role: 'guest', href: 'https://grace.example.com' };

/** Every element of a parsed XML object tree with this name, at any depth (xmlbuilder2 object form). */
function elementsNamed(node: unknown, name: string, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((child) => elementsNamed(child, name, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === name) (Array.isArray(value) ? value : [value]).forEach((v) => found.push(v as Record<string, unknown>));
      elementsNamed(value, name, found);
    }
  }
  return found;
}

/** An element's text: xmlbuilder2 gives a bare string for an element without attributes. */
const textOf = (element: unknown): unknown => (typeof element === 'string' ? element : (element as Record<string, unknown>)['#']);

describe('podcast feeds', () => {
  let h: CatalogHarness;
  let media: MediaEvents;
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'test:feeds' });
  const owner = viewer();

  beforeAll(async () => {
    h = await startCatalog({ feeds: () => FEED_CONFIG });
    media = new MediaEvents(h);
  });
  afterAll(async () => {
    redis.disconnect();
    media?.close();
    await h?.stop();
  });

  /** Catalog's own events of these shows and episodes reached its consumer (their invalidation follows the commit at once). */
  const settled = (aggregateIds: string[]) =>
    eventually(async () => {
      const [{ missing }] = (await h.running.db.dataSource.query(
        'SELECT count(*)::int AS missing FROM outbox o WHERE o.aggregate_id = ANY($1) AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.event_id = o.event_id)',
        [aggregateIds],
      )) as { missing: number }[];
      return missing === 0;
    });

  const feedText = async (slug: string): Promise<string> => {
    const res = await fetchFeed(h, slug);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('serves every required Apple tag and the Podcasting 2.0 tags, with published episodes whose media is READY only, newest first', async () => {
    const show = await createShow(h, owner, {
      title: 'Deep Tech', description: 'Engineers & their tools', language: 'en-US', category: 'TECHNOLOGY', artworkUrl: ARTWORK,
      author: 'Wavegraph Studios', ownerEmail: 'feeds@wavegraph.example.com', explicit: true, showType: 'SERIAL', locked: true, people: [HOST],
    });
    const first = await publishedEpisode(h, owner, show.id, {
      title: 'Pilot', description: 'Where it <starts>', seasonNumber: 1, episodeNumber: 1, guid: 'https://old.example.com/ep/1',
      episodeType: 'TRAILER', explicit: false, people: [GUEST],
    });
    await media.ready(first, owner.id, { durationSeconds: 1834.4 });
    await media.transcript(first, owner.id, 1, 'en-US');
    await media.chapters(first, owner.id, 1, 3);
    const second = await publishedEpisode(h, owner, show.id, { title: 'Second', seasonNumber: 1, episodeNumber: 2 });
    await media.ready(second, owner.id, { durationSeconds: 60 });
    // published but its media is not READY; READY but a draft: neither is an item
    await publishedEpisode(h, owner, show.id, { title: 'No media yet' });
    const draft = await createEpisode(h, owner, show.id, { title: 'Draft' });
    await media.ready(draft, owner.id);

    const xml = await feedText(show.slug);
    const feed = parseFeed(xml);
    expect(feed).not.toBeNull();
    const feedUrl = `${FEED_CONFIG.publicUrl}/feeds/${show.slug}.xml`;
    expect(feed).toMatchObject({
      title: 'Deep Tech', description: 'Engineers & their tools', language: 'en-US', link: `${FEED_CONFIG.publicUrl}/shows/${show.slug}`,
      author: 'Wavegraph Studios', itunesImage: ARTWORK, explicit: true, itunesType: 'serial', locked: true, podcastOwner: 'feeds@wavegraph.example.com',
      owner: { name: 'Wavegraph Studios', email: 'feeds@wavegraph.example.com' },
      guid: uuidv5(feedUrl.replace(/^https:\/\//, ''), 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6'),
    });
    expect(feed!.itunesCategory).toEqual(['Technology']);
    expect(feed!.lastBuildDate).toBeInstanceOf(Date);
    // the parser maps taxonomy terms it knows to its own names
    expect(feed!.podcastPeople).toEqual([expect.objectContaining({ name: 'Ada Host', role: 'Host', group: 'Cast', href: HOST.href, img: HOST.img })]);
    expect(feed!.items.map((item) => item.title)).toEqual(['Second', 'Pilot']);

    const pilot = feed!.items[1];
    expect(pilot).toMatchObject({
      guid: 'https://old.example.com/ep/1', description: 'Where it <starts>', duration: 1834, itunesEpisodeType: 'trailer',
      itunesSeason: 1, itunesEpisode: 1, explicit: false,
      enclosure: { url: `${FEED_CONFIG.mediaUrl}/media/episodes/${first}/aac-128.m4a`, length: 29_350_000, type: 'audio/mp4' },
    });
    expect(pilot.pubDate).toBeInstanceOf(Date);
    expect(pilot.podcastSeason?.number).toBe(1);
    expect(pilot.podcastEpisode?.number).toBe(1);
    expect(pilot.podcastTranscripts).toEqual([{ url: `${FEED_CONFIG.mediaUrl}/media/episodes/${first}/transcript.vtt`, type: 'text/vtt', language: 'en-US' }]);
    expect(pilot.podcastChapters).toEqual({ url: `${FEED_CONFIG.mediaUrl}/media/episodes/${first}/chapters.json`, type: 'application/json+chapters' });
    expect(pilot.podcastPeople).toEqual([expect.objectContaining({ name: 'Grace Guest', role: 'Guest', group: 'Cast', href: GUEST.href })]);
    // the second: guid is its id, explicit as the show, a full episode without transcript or chapters
    expect(feed!.items[0]).toMatchObject({ guid: second, explicit: true, itunesEpisodeType: 'full', duration: 60 });
    expect(feed!.items[0].podcastTranscripts).toBeUndefined();
    expect(feed!.items[0].podcastChapters).toBeUndefined();

    // what a parser may smooth over, read from the XML itself
    const tree = create(xml).end({ format: 'object' }) as Record<string, unknown>;
    const rss = elementsNamed(tree, 'rss')[0];
    expect(rss).toMatchObject({
      '@version': '2.0', '@xmlns:itunes': 'http://www.itunes.com/dtds/podcast-1.0.dtd', '@xmlns:podcast': 'https://podcastindex.org/namespace/1.0',
      '@xmlns:atom': 'http://www.w3.org/2005/Atom',
    });
    expect(elementsNamed(tree, 'atom:link')).toEqual([{ '@href': feedUrl, '@rel': 'self', '@type': 'application/rss+xml' }]);
    expect(elementsNamed(tree, 'guid').map((g) => g['@isPermaLink'])).toEqual(['false', 'false']);
    expect(elementsNamed(tree, 'itunes:explicit').map(textOf)).toEqual(['true', 'true', 'false']);
    expect(elementsNamed(tree, 'podcast:locked').map(textOf)).toEqual(['yes']);
    expect(elementsNamed(tree, 'pubDate').map(textOf)).toEqual(
      [0, 1].map(() => expect.stringMatching(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/)),
    );

    // the show tells GraphQL clients the same URL and guid
    const res = await h.call<{ show: { feedUrl: string; podcastGuid: string; people: unknown[] } }>(
      'query($id: ID!) { show(id: $id) { feedUrl podcastGuid people { name role group href img } } }', { id: show.id },
    );
    expect(res.data?.show).toEqual({ feedUrl, podcastGuid: feed!.guid, people: [HOST] });
  });

  it('answers 404 for an unknown slug, a show with nothing published, and a path that is not a feed', async () => {
    const quiet = await createShow(h, owner);
    await createEpisode(h, owner, quiet.id);
    for (const slug of ['no-such-show', quiet.slug, 'Not_A_Slug']) expect([slug, (await fetchFeed(h, slug)).status]).toEqual([slug, 404]);
    const base = h.running.url.replace(/\/graphql$/, '');
    for (const path of [`/feeds/${quiet.slug}.json`, '/feeds/', `/feeds/a/${quiet.slug}.xml`]) expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 404]);
  });

  it('sends a strong ETag and Last-Modified, and 304 for a matching If-None-Match or an If-Modified-Since not before it', async () => {
    const show = await createShow(h, owner);
    const episode = await publishedEpisode(h, owner, show.id);
    await media.ready(episode, owner.id);
    const res = await fetchFeed(h, show.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = res.headers.get('etag') as string;
    const lastModified = res.headers.get('last-modified') as string;
    // fetch asks for gzip (and unpacks it): that representation has a tag of its own
    expect([res.headers.get('content-encoding'), res.headers.get('vary')]).toEqual(['gzip', 'Accept-Encoding']);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}-gzip"$/);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    const body = await res.text();
    expect(parseFeed(body)?.lastBuildDate?.toUTCString()).toBe(lastModified);

    const again = await fetchFeed(h, show.slug);
    expect([again.headers.get('etag'), await again.text()]).toEqual([etag, body]);
    const identity = await fetchFeed(h, show.slug, { 'accept-encoding': 'identity' });
    const plainEtag = identity.headers.get('etag') as string;
    expect([identity.headers.get('content-encoding'), plainEtag, Number(identity.headers.get('content-length')), await identity.text()])
      .toEqual([null, etag.replace('-gzip', ''), Buffer.byteLength(body), body]);
    expect((await fetchFeed(h, show.slug, { 'accept-encoding': 'identity', 'if-none-match': plainEtag })).status).toBe(304);

    for (const headers of <Record<string, string>[]>[{ 'if-none-match': etag }, { 'if-none-match': `"other", W/${etag}` }, { 'if-none-match': '*' }, { 'if-modified-since': lastModified }]) {
      const conditional = await fetchFeed(h, show.slug, headers);
      expect([JSON.stringify(headers), conditional.status, await conditional.text(), conditional.headers.get('etag')]).toEqual([JSON.stringify(headers), 304, '', etag]);
    }
    const before = new Date(new Date(lastModified).getTime() - 1000).toUTCString();
    for (const headers of <Record<string, string>[]>[{ 'if-none-match': '"other"' }, { 'if-modified-since': before }, { 'if-none-match': '"other"', 'if-modified-since': lastModified }]) {
      expect([JSON.stringify(headers), (await fetchFeed(h, show.slug, headers)).status]).toEqual([JSON.stringify(headers), 200]);
    }
    const head = await fetchFeed(h, show.slug, {}, 'HEAD');
    expect([head.status, head.headers.get('etag'), await head.text()]).toEqual([200, etag, '']);
  });

  it('keeps serving the cached feed until an event changes it: a newly published episode, new chapters, an unpublished one', async () => {
    const show = await createShow(h, owner);
    const first = await publishedEpisode(h, owner, show.id, { title: 'First' });
    await media.ready(first, owner.id);
    const titles = async () => parseFeed(await feedText(show.slug))!.items.map((item) => item.title);
    await settled([show.id, first]);
    expect(await titles()).toEqual(['First']);

    // a change no event tells of is not seen: the feed comes from the cache
    await h.running.db.dataSource.query("UPDATE episodes SET title = 'Renamed quietly' WHERE id = $1", [first]);
    expect(await titles()).toEqual(['First']);

    // published (its event reaches catalog's consumer), then its media READY: the feed is rendered anew
    const second = await publishedEpisode(h, owner, show.id, { title: 'Second' });
    await media.ready(second, owner.id);
    expect(await eventually(async () => {
      const now = await titles();
      return now.length === 2 && now;
    })).toEqual(['Second', 'Renamed quietly']);

    await media.chapters(second, owner.id, 1, 2);
    await eventually(async () => (await feedText(show.slug)).includes(`/media/episodes/${second}/chapters.json`));
    // chapters removed (count 0) and a stale revision redelivered: none again
    await media.chapters(second, owner.id, 2, 0);
    await media.chapters(second, owner.id, 1, 2);
    await eventually(async () => !(await feedText(show.slug)).includes('podcast:chapters'));

    expect((await transition(h, owner, 'unpublishEpisode', second)).errors).toBeUndefined();
    await eventually(async () => (await titles()).length === 1);
    expect(await titles()).toEqual(['Renamed quietly']);
  });

  it('renders once for requests that miss the cache together, and not at all while it holds the feed', async () => {
    const show = await createShow(h, owner);
    const episode = await publishedEpisode(h, owner, show.id);
    await media.ready(episode, owner.id);
    await settled([show.id, episode]);
    const expected = await feedText(show.slug);
    // what an event's invalidation does to the cached feed
    await redis.hdel(`${h.redisPrefix}:catalog:feed:${show.slug}`, 'xml', 'gzip', 'etag', 'lastModified');
    h.running.db.queries.reset();
    const bodies = await Promise.all(Array.from({ length: 6 }, () => feedText(show.slug)));
    expect(bodies).toEqual(bodies.map(() => expected));
    // one render is three queries (the show, when it last changed, the items)
    expect(h.running.db.queries.count()).toBe(3);
    h.running.db.queries.reset();
    await Promise.all(Array.from({ length: 6 }, () => feedText(show.slug)));
    expect(h.running.db.queries.count()).toBe(0);
  });

  it('keeps the newest READY media of an episode whichever order its assets’ events arrive in', async () => {
    const show = await createShow(h, owner);
    const episode = await publishedEpisode(h, owner, show.id);
    await media.ready(episode, owner.id, { durationSeconds: 120, occurredAt: new Date().toISOString() });
    await media.ready(episode, owner.id, { durationSeconds: 30, occurredAt: new Date(Date.now() - 60_000).toISOString() });
    await eventually(async () => parseFeed(await feedText(show.slug))!.items[0]?.duration === 120);
  });

  it("nests the show's subcategory in its itunes:category with Apple's escaped names, and follows a change of it", async () => {
    const show = await createShow(h, owner, { category: 'SOCIETY', subcategory: 'DOCUMENTARY' });
    const episode = await publishedEpisode(h, owner, show.id);
    await media.ready(episode, owner.id);
    const xml = await feedText(show.slug);
    expect(xml).toMatch(/<itunes:category text="Society &amp; Culture">\s*<itunes:category text="Documentary"\/>\s*<\/itunes:category>/);
    expect(parseFeed(xml)!.itunesCategory).toEqual(['Society & Culture > Documentary']);
    expect(xml.match(/<itunes:category /g)).toHaveLength(2);

    const res = await h.call('mutation($id: ID!, $input: UpdateShowInput!) { updateShow(id: $id, input: $input) { id } }', { id: show.id, input: { category: 'NEWS', subcategory: 'TECH_NEWS' } }, owner);
    expect(res.errors).toBeUndefined();
    await settled([show.id]);
    expect(parseFeed(await feedText(show.slug))!.itunesCategory).toEqual(['News > Tech News']);
  });
});

describe('feed fields of shows and episodes', () => {
  let h: CatalogHarness;
  const owner = viewer();
  beforeAll(async () => {
    h = await startCatalog({ feeds: () => FEED_CONFIG });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const FIELDS = 'id explicit author showType locked people { name role group href img } feedUrl podcastGuid';

  it('defaults a new show to not explicit, episodic, unlocked, nobody listed; podcastGuid from its feed URL, stored', async () => {
    const show = await createShow(h, owner);
    const res = await h.call<{ show: Record<string, unknown> }>(`query($id: ID!) { show(id: $id) { ${FIELDS} } }`, { id: show.id });
    const feedUrl = `https://pods.example.com/feeds/${show.slug}.xml`;
    expect(res.data?.show).toEqual({
      id: show.id, explicit: false, author: null, showType: 'EPISODIC', locked: false, people: [], feedUrl,
      podcastGuid: uuidv5(`pods.example.com/feeds/${show.slug}.xml`, 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6'),
    });
    const [row] = (await h.running.db.dataSource.query('SELECT podcast_guid FROM shows WHERE id = $1', [show.id])) as { podcast_guid: string }[];
    expect(row.podcast_guid).toBe((res.data?.show as { podcastGuid: string }).podcastGuid);
  });

  it('updates the feed fields of a show and refuses bad ones with the field named', async () => {
    const show = await createShow(h, owner);
    const update = (input: Record<string, unknown>) =>
      h.call<{ updateShow: Record<string, unknown> }>(`mutation($id: ID!, $input: UpdateShowInput!) { updateShow(id: $id, input: $input) { ${FIELDS} } }`, { id: show.id, input }, owner);
    const res = await update({ explicit: true, author: ' Someone ', showType: 'SERIAL', locked: true, people: [{ name: 'Ada', role: 'Producer', group: 'Writing' }] });
    expect(res.data?.updateShow).toMatchObject({ explicit: true, author: 'Someone', showType: 'SERIAL', locked: true, people: [{ name: 'Ada', role: 'producer', group: 'writing', href: null, img: null }] });
    expect(errorOf(await update({ people: [{ name: 'Ada' }, { name: 'Bob', href: 'ftp://bob.example.com' }] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'people[1].href' });
    expect(errorOf(await update({ people: [{ name: '  ' }] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'people[0].name' });
    expect(errorOf(await update({ people: [{ name: 'Ada', role: '<script>' }] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'people[0].role' });
    expect(errorOf(await update({ author: 'x'.repeat(201) }))).toEqual({ code: 'BAD_USER_INPUT', field: 'author' });
    expect(errorOf(await update({ ownerEmail: 'not an address' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'ownerEmail' });
    // nothing of the refused updates was stored
    expect((await update({})).data?.updateShow).toMatchObject({ people: [{ name: 'Ada' }] });
  });

  it("keeps a show's subcategory within its category, refusing one of another with the field named and nothing written", async () => {
    const SHOW = 'category subcategory';
    const create = (input: Record<string, unknown>) =>
      h.call<{ createShow: Record<string, unknown> }>(`mutation($input: CreateShowInput!) { createShow(input: $input) { id ${SHOW} } }`, { input: { slug: uniqueSlug(), title: 'Cats', language: 'en', ...input } }, owner);
    expect((await create({ category: 'TECHNOLOGY' })).data?.createShow).toMatchObject({ category: 'TECHNOLOGY', subcategory: null });
    const before = await h.count('shows');
    expect(errorOf(await create({ category: 'NEWS', subcategory: 'DOCUMENTARY' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
    expect(errorOf(await create({ category: 'TECHNOLOGY', subcategory: 'TECH_NEWS' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
    expect(errorOf(await create({ category: 'NEWS', subcategory: 'KNITTING' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
    expect(await h.count('shows')).toBe(before);

    const show = (await create({ category: 'BUSINESS', subcategory: 'INVESTING' })).data?.createShow as { id: string };
    expect(show).toMatchObject({ category: 'BUSINESS', subcategory: 'INVESTING' });
    const update = (input: Record<string, unknown>) =>
      h.call<{ updateShow: Record<string, unknown> }>(`mutation($id: ID!, $input: UpdateShowInput!) { updateShow(id: $id, input: $input) { ${SHOW} } }`, { id: show.id, input }, owner);
    const events = async () => Number(((await h.running.db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = $1', [show.id])) as { n: number }[])[0].n);
    const eventsBefore = await events();
    // a new category whose subcategories do not include the stored one, a subcategory of another category
    expect(errorOf(await update({ category: 'ARTS' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
    expect(errorOf(await update({ subcategory: 'BOOKS' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
    expect(errorOf(await update({ category: 'ARTS', subcategory: 'INVESTING', title: 'Renamed' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'subcategory' });
    expect(await events()).toBe(eventsBefore);
    expect((await h.call<{ show: unknown }>(`query($id: ID!) { show(id: $id) { title ${SHOW} } }`, { id: show.id })).data?.show).toEqual({ title: 'Cats', category: 'BUSINESS', subcategory: 'INVESTING' });

    expect((await update({ subcategory: 'CAREERS' })).data?.updateShow).toEqual({ category: 'BUSINESS', subcategory: 'CAREERS' });
    expect((await update({ category: 'ARTS', subcategory: 'BOOKS' })).data?.updateShow).toEqual({ category: 'ARTS', subcategory: 'BOOKS' });
    expect((await update({ category: 'TECHNOLOGY', subcategory: null })).data?.updateShow).toEqual({ category: 'TECHNOLOGY', subcategory: null });
    const payloads = (await h.running.db.dataSource.query('SELECT payload FROM outbox WHERE aggregate_id = $1 ORDER BY position', [show.id])) as { payload: Record<string, unknown> }[];
    expect(payloads.map((p) => [p.payload.category, p.payload.subcategory])).toEqual([['BUSINESS', 'INVESTING'], ['BUSINESS', 'CAREERS'], ['ARTS', 'BOOKS'], ['TECHNOLOGY', null]]);
  });

  it("gives an episode its id as guid, keeps an imported one's, and refuses a guid the show already has", async () => {
    const show = await createShow(h, owner);
    const other = await createShow(h, owner);
    const read = async (id: string) =>
      (await h.call<{ episode: Record<string, unknown> }>('query($id: ID!) { episode(id: $id) { guid episodeType explicit people { name } } }', { id }, owner)).data?.episode;
    const plain = await createEpisode(h, owner, show.id);
    expect(await read(plain)).toEqual({ guid: plain, episodeType: 'FULL', explicit: null, people: [] });
    const imported = await createEpisode(h, owner, show.id, { guid: 'tag:old-host.example,2020:ep-7', episodeType: 'BONUS', explicit: true });
    expect(await read(imported)).toEqual({ guid: 'tag:old-host.example,2020:ep-7', episodeType: 'BONUS', explicit: true, people: [] });

    const again = await h.call('mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId: show.id, title: 'Dup', guid: 'tag:old-host.example,2020:ep-7' } }, owner);
    expect(errorOf(again)).toEqual({ code: 'CONFLICT', field: 'guid' });
    // another episode's id is that episode's guid
    expect(errorOf(await h.call('mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId: show.id, title: 'Dup', guid: plain } }, owner))).toEqual({ code: 'CONFLICT', field: 'guid' });
    // another show may have it
    expect(await read(await createEpisode(h, owner, other.id, { guid: 'tag:old-host.example,2020:ep-7' }))).toMatchObject({ guid: 'tag:old-host.example,2020:ep-7' });
    expect(errorOf(await h.call('mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId: show.id, title: 'Bad', guid: '  ' } }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'guid' });

    const updated = await h.call<{ updateEpisode: Record<string, unknown> }>(
      'mutation($id: ID!, $input: UpdateEpisodeInput!) { updateEpisode(id: $id, input: $input) { guid episodeType explicit people { name role } } }',
      { id: imported, input: { episodeType: 'TRAILER', explicit: null, people: [{ name: 'Grace', role: 'guest' }] } }, owner,
    );
    expect(updated.data?.updateEpisode).toEqual({ guid: 'tag:old-host.example,2020:ep-7', episodeType: 'TRAILER', explicit: null, people: [{ name: 'Grace', role: 'guest' }] });
  });

  it('carries the feed fields in the show and episode events', async () => {
    const show = await createShow(h, owner, { author: 'A. Author', people: [{ name: 'Ada' }] });
    const episode = await createEpisode(h, owner, show.id, { guid: 'g-1', episodeType: 'BONUS' });
    const payloads = (await h.running.db.dataSource.query('SELECT type, payload FROM outbox WHERE aggregate_id = ANY($1) ORDER BY position', [[show.id, episode]])) as { type: string; payload: Record<string, unknown> }[];
    expect(payloads.map((p) => p.type)).toEqual(['catalog.ShowCreated', 'catalog.EpisodeCreated']);
    expect(payloads[0].payload).toMatchObject({ author: 'A. Author', explicit: false, showType: 'EPISODIC', locked: false, people: [{ name: 'Ada', role: 'host', group: 'cast', href: null, img: null }] });
    expect(payloads[0].payload.podcastGuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(payloads[1].payload).toMatchObject({ guid: 'g-1', episodeType: 'BONUS', explicit: null, people: [] });
  });
});

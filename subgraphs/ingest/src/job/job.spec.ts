import { eventually } from '@wavegraph/testkit';
import { atomFeed, itunesRss, MALFORMED, podcasting20Rss, youtubeFeed, type TestItem } from '../testing/feeds';
import { catalogShow, creator, finished, importFeed, JOB_FIELDS, jobOf, recordedEvents, startIngestHarness, type IngestHarness, type JobView } from '../testing/harness';
import { pollSchedulerId } from './job.queue';

const day = (n: number): string => new Date(Date.UTC(2024, 0, n, 10)).toUTCString();

describe('importing a feed through catalog', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await startIngestHarness({ timeoutMs: 1_000 });
  });
  afterAll(() => h.stop());

  it('creates the show and publishes its episodes in pubDate order, then completes with its counts and event', async () => {
    const owner = creator();
    const url = h.feeds.set('/itunes.xml', {
      body: itunesRss({
        title: 'Imported Cast',
        category: 'News',
        subcategory: 'Tech News',
        items: [
          { guid: 'ep-3', title: 'Third', description: 'Three', pubDate: day(3), season: 1, episode: 3 },
          { guid: 'ep-no-media', title: 'A blog post', enclosureUrl: null },
          { guid: 'ep-1', title: 'First', description: 'One', pubDate: day(1), season: 1, episode: 1 },
          { guid: 'ep-2', title: 'Second', description: 'Two', pubDate: day(2), season: 1, episode: 2 },
        ],
      }),
    });
    const queued = await importFeed(h, owner, url);
    expect(queued).toMatchObject({ status: 'QUEUED', feedUrl: url, show: null, progress: 0 });
    const job = await finished(h, owner, queued.id);
    expect(job).toMatchObject({ status: 'COMPLETED', progress: 1, reason: null, counts: { found: 4, created: 3, updated: 0, skipped: 1, failed: 0 } });
    expect(job.errors).toEqual([{ item: 'ep-no-media', reason: 'no enclosure (audio or video file)', skipped: true }]);
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    expect(job.nextPollAt).toBeNull();

    const show = await catalogShow(h, owner, job.show!.id);
    expect(show).toMatchObject({ title: 'Imported Cast', category: 'NEWS', subcategory: 'TECH_NEWS', language: 'en-US', artworkUrl: 'https://example.com/art.jpg', owner: { id: owner.id } });
    const episodes = show.episodes.edges.map((e) => e.node);
    expect(episodes.map((e) => [e.title, e.status, e.episodeNumber])).toEqual([
      ['Third', 'PUBLISHED', 3],
      ['Second', 'PUBLISHED', 2],
      ['First', 'PUBLISHED', 1],
    ]);
    expect(episodes[2].description).toBe('One');

    const events = await recordedEvents(h);
    expect(events.filter((e) => e.payload.jobId === job.id)).toEqual([
      {
        type: 'ingest.IngestCompleted',
        payload: {
          jobId: job.id, sourceId: job.sourceId, ownerId: owner.id, showId: show.id, feedUrl: url,
          found: 4, created: 3, updated: 0, skipped: 1, failed: 0, reasons: ['ep-no-media: no enclosure (audio or video file)'],
        },
      },
    ]);
  });

  it('creates a long feed in batches: 130 items in two importEpisodes calls, each published at its pubDate, a row catalog refuses failing alone', async () => {
    const owner = creator();
    const items: TestItem[] = Array.from({ length: 130 }, (_, i) => ({ guid: `long-${i + 1}`, title: `Part ${i + 1}`, pubDate: day(i + 1), season: 1, episode: i + 1 }));
    // the same season and episode number as part 1: catalog refuses that row (CONFLICT), the others of its batch go in
    items.splice(60, 0, { guid: 'long-dup', title: 'Part one again', pubDate: new Date(Date.UTC(2024, 0, 1, 12)).toUTCString(), season: 1, episode: 1 });
    const before = await h.catalog.count('outbox');
    const job = await finished(h, owner, (await importFeed(h, owner, h.feeds.set('/long.xml', { body: itunesRss({ items }) }), 30)).id);
    expect(job).toMatchObject({ status: 'COMPLETED', counts: { found: 131, created: 130, updated: 0, skipped: 0, failed: 1 } });
    expect(job.errors).toEqual([{ item: 'long-dup', reason: 'This show already has an episode with this season and episode number', skipped: false }]);
    const rows: Array<{ guid: string; status: string; published_at: Date }> = await h.catalog.running.db.dataSource.query(
      'SELECT guid, status, published_at FROM episodes WHERE show_id = $1 ORDER BY published_at', [job.show!.id],
    );
    expect(rows).toHaveLength(130);
    expect(rows.every((row) => row.status === 'PUBLISHED')).toBe(true);
    expect(rows.map((row) => row.guid)).toEqual(items.filter((item) => item.guid !== 'long-dup').map((item) => item.guid));
    expect(rows[0].published_at.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    // the single path's events for each: created, then published (and the show's own)
    const events: Array<{ type: string; n: number }> = await h.catalog.running.db.dataSource.query(
      "SELECT type, count(*)::int AS n FROM outbox WHERE payload->>'showId' = $1 GROUP BY type ORDER BY type", [job.show!.id],
    );
    expect(events).toEqual([{ type: 'catalog.EpisodeCreated', n: 130 }, { type: 'catalog.EpisodePublished', n: 130 }, { type: 'catalog.ShowCreated', n: 1 }]);
    expect(await h.catalog.count('outbox')).toBe(before + 1 + 130 * 2);
    // a re-poll of the same feed creates nothing again
    const second = (await h.worker.poll(job.sourceId))!;
    await h.worker.runner.run(second, true);
    const again = await finished(h, owner, second);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
  });

  it('keeps what podcast apps know the show by: each episode its feed guid, types, explicit flags and people', async () => {
    const owner = creator();
    const job = await finished(h, owner, (await importFeed(h, owner, h.feeds.set('/p20.xml', { body: podcasting20Rss() }))).id);
    expect(job).toMatchObject({ status: 'COMPLETED', counts: { created: 2, failed: 0 } });
    const show = await catalogShow(h, owner, job.show!.id);
    expect(show).toMatchObject({ explicit: true, author: 'Ada and Grace', showType: 'SERIAL', people: [{ name: 'Ada Host', role: 'host' }, { name: 'Grace Guest', role: 'host' }] });
    expect(show.episodes.edges.map(({ node }) => [node.guid, node.title, node.episodeType, node.explicit])).toEqual([
      ['p20-1', 'Chapter one', 'FULL', null],
      ['p20-0', 'Trailer', 'TRAILER', false],
    ]);
  });

  it('re-polls: a new item is created, an edited one updated, a guid seen twice skipped, and a 304 imports nothing', async () => {
    const owner = creator();
    const v1: TestItem[] = [
      { guid: 'a', title: 'Alpha', description: 'first cut', pubDate: day(1) },
      { guid: 'b', title: 'Beta', description: 'b', pubDate: day(2) },
    ];
    const url = h.feeds.set('/changing.xml', { body: itunesRss({ items: v1 }), etag: '"v1"' });
    const first = await finished(h, owner, (await importFeed(h, owner, url, 30)).id);
    expect(first).toMatchObject({ status: 'COMPLETED', counts: { created: 2 } });
    expect(first.nextPollAt).not.toBeNull();
    expect(await h.ingest.running.services.queue.queue.getJobScheduler(pollSchedulerId(first.sourceId))).toMatchObject({ every: 30 * 60_000 });

    h.feeds.set('/changing.xml', {
      etag: '"v2"',
      body: itunesRss({
        category: 'Business',
        subcategory: 'Investing',
        items: [
          { guid: 'c', title: 'Gamma', description: 'new', pubDate: day(3) },
          { guid: 'a', title: 'Alpha (remastered)', description: 'second cut', pubDate: day(1) },
          { guid: 'b', title: 'Beta', description: 'b', pubDate: day(2) },
          { guid: 'c', title: 'Gamma again', description: 'dup', pubDate: day(4) },
        ],
      }),
    });
    const second = (await h.worker.poll(first.sourceId))!;
    await h.worker.runner.run(second, true);
    const polled = await finished(h, owner, second);
    expect(polled).toMatchObject({ status: 'COMPLETED', show: { id: first.show!.id }, counts: { found: 4, created: 1, updated: 1, skipped: 1, failed: 0 } });
    expect(polled.errors).toEqual([{ item: 'c', reason: 'the same guid appears earlier in the feed', skipped: true }]);
    const show = await catalogShow(h, owner, first.show!.id);
    // the show follows the feed's new category and subcategory
    expect(show).toMatchObject({ category: 'BUSINESS', subcategory: 'INVESTING' });
    expect(show.episodes.edges.map((e) => [e.node.title, e.node.description])).toEqual([
      ['Gamma', 'new'],
      ['Beta', 'b'],
      ['Alpha (remastered)', 'second cut'],
    ]);
    expect(h.feeds.requests.filter((r) => r.path === '/changing.xml').at(-1)?.headers['if-none-match']).toBe('"v1"');

    const third = (await h.worker.poll(first.sourceId))!;
    await h.worker.runner.run(third, true);
    const unchanged = await finished(h, owner, third);
    expect(unchanged).toMatchObject({ status: 'COMPLETED', reason: 'not modified since the last poll (HTTP 304)', counts: { found: 0, created: 0, updated: 0 } });
    expect((await catalogShow(h, owner, first.show!.id)).episodes.edges).toHaveLength(3);
  });

  it('polls on its schedule by itself: the job scheduler fires, the worker records and runs a new job', async () => {
    const owner = creator();
    const url = h.feeds.set('/scheduled.xml', { body: itunesRss({ items: [{ guid: 's1', title: 'S1', pubDate: day(1) }] }), etag: '"s1"' });
    const first = await finished(h, owner, (await importFeed(h, owner, url, 1)).id);
    // the same scheduler as pollIntervalMinutes sets, every 300 ms instead of a minute
    await h.ingest.running.services.queue.schedulePolls(first.sourceId, 0.005);
    const jobs = await eventually(async () => {
      const res = await h.ingest.call<{ ingestJobs: JobView[] }>(`query { ingestJobs(first: 10) { ${JOB_FIELDS} } }`, {}, owner);
      const polled = (res.data?.ingestJobs ?? []).filter((j) => j.id !== first.id && j.status === 'COMPLETED');
      return polled.length > 0 ? polled : false;
    }, 20_000);
    expect(jobs[0]).toMatchObject({ sourceId: first.sourceId, reason: 'not modified since the last poll (HTTP 304)', counts: { created: 0 } });
    expect(jobs[0].nextPollAt).not.toBeNull();
    await h.ingest.call(`mutation($id: ID!) { removeFeedSource(sourceId: $id) { id } }`, { id: first.sourceId }, owner);
  });

  it('follows a 301 and keeps the new feed URL for the next polls', async () => {
    const owner = creator();
    const target = h.feeds.set('/new-home.xml', { body: atomFeed() });
    const old = h.feeds.set('/old-home.xml', { status: 301, headers: { location: '/new-home.xml' } });
    const job = await finished(h, owner, (await importFeed(h, owner, old)).id);
    expect(job).toMatchObject({ status: 'COMPLETED', feedUrl: target, counts: { found: 3, created: 2, skipped: 1 } });
    const show = await catalogShow(h, owner, job.show!.id);
    expect(show).toMatchObject({ title: 'Atom Cast', language: 'de', category: 'SCIENCE' });
    const next = (await h.worker.poll(job.sourceId))!;
    expect((await jobOf(h, owner, next)).feedUrl).toBe(target);
  });

  it('imports a YouTube channel feed as episodes without media, the video link in each description', async () => {
    const owner = creator();
    const url = h.feeds.set('/feeds/videos.xml', { body: youtubeFeed([{ id: 'abc123', title: 'A video', published: '2024-04-01T00:00:00+00:00' }]) });
    const job = await finished(h, owner, (await importFeed(h, owner, `${url}?channel_id=UCtest`)).id);
    expect(job).toMatchObject({ status: 'COMPLETED', counts: { created: 1 } });
    const show = await catalogShow(h, owner, job.show!.id);
    expect(show).toMatchObject({ title: 'Test Channel', category: 'TV_AND_FILM' });
    expect(show.episodes.edges[0].node).toMatchObject({ title: 'A video', status: 'PUBLISHED', description: 'About A video\n\nVideo: https://www.youtube.com/watch?v=abc123' });
  });

  it('fails the job with a clear reason and an IngestFailed event: 404, 410, timeout, malformed XML, a locked feed', async () => {
    const owner = creator();
    h.feeds.set('/gone.xml', { status: 410 });
    h.feeds.set('/slow.xml', { body: itunesRss({ items: [] }), delayMs: 3_000 });
    h.feeds.set('/broken.xml', { body: MALFORMED });
    h.feeds.set('/locked.xml', { body: podcasting20Rss({ locked: true }) });
    const cases: Array<[string, string | RegExp, number | undefined]> = [
      [h.feeds.url('/nothing-here.xml'), 'the feed is gone (HTTP 404)', 404],
      [h.feeds.url('/gone.xml'), 'the feed is gone (HTTP 410)', 410],
      [h.feeds.url('/slow.xml'), 'timed out after 1 s', undefined],
      [h.feeds.url('/broken.xml'), /^malformed XML at line 3: /, undefined],
      [h.feeds.url('/locked.xml'), /^the feed is locked \(podcast:locked is yes\)/, undefined],
    ];
    const jobs: JobView[] = [];
    for (const [url] of cases) jobs.push(await importFeed(h, owner, url));
    const events = await eventually(async () => {
      const failed = (await recordedEvents(h)).filter((e) => e.type === 'ingest.IngestFailed' && jobs.some((j) => j.id === e.payload.jobId));
      return failed.length === cases.length ? failed : false;
    }, 20_000);
    for (const [index, [url, reason, httpStatus]] of cases.entries()) {
      const job = await finished(h, owner, jobs[index].id);
      expect(job).toMatchObject({ status: 'FAILED', show: null });
      expect(job.reason).toMatch(reason);
      expect(events.find((e) => e.payload.jobId === job.id)?.payload).toEqual({
        jobId: job.id, sourceId: job.sourceId, ownerId: owner.id, feedUrl: url, reason: job.reason, ...(httpStatus && { httpStatus }),
      });
    }
  });

  it('refuses bad input and shows a job to its owner and staff only', async () => {
    const owner = creator();
    const bad = await h.ingest.call(`mutation { importShowFromFeed(url: "ftp://example.com/feed") { id } }`, {}, owner);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    const tooOften = await h.ingest.call(`mutation { importShowFromFeed(url: "https://example.com/feed", pollIntervalMinutes: 0) { id } }`, {}, owner);
    expect(tooOften.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pollIntervalMinutes' });
    const anonymous = await h.ingest.call(`mutation { importShowFromFeed(url: "https://example.com/feed") { id } }`, {}, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const url = h.feeds.set('/mine.xml', { body: itunesRss({ items: [{ guid: 'x', title: 'X', pubDate: day(1) }] }) });
    const job = await finished(h, owner, (await importFeed(h, owner, url)).id);
    const query = `query($id: ID!) { ingestJob(id: $id) { id } }`;
    expect((await h.ingest.call(query, { id: job.id }, creator())).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await h.ingest.call(query, { id: job.id }, { ...creator(), role: 'EDITOR' })).data).toEqual({ ingestJob: { id: job.id } });
    expect((await h.ingest.call(query, { id: '00000000-0000-4000-8000-000000000000' }, owner)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const mine = await h.ingest.call<{ ingestJobs: Array<{ id: string }> }>(`query { ingestJobs(first: 5) { id } }`, {}, owner);
    expect(mine.data?.ingestJobs).toEqual([{ id: job.id }]);
  });

  it('resolves IngestJob references in one query, and their nextPollAt in one more, however many', async () => {
    const owner = creator();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const url = h.feeds.set(`/batch-${n}.xml`, { body: itunesRss({ title: `Batch ${n}`, items: [{ guid: `b${n}`, title: `B${n}`, pubDate: day(n) }] }) });
      ids.push((await finished(h, owner, (await importFeed(h, owner, url)).id)).id);
    }
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IngestJob { id status nextPollAt } } }`;
    for (const some of [ids.slice(0, 1), ids]) {
      h.ingest.running.db.queries.reset();
      const res = await h.ingest.call<{ _entities: Array<{ id: string; status: string }> }>(query, { r: some.map((id) => ({ __typename: 'IngestJob', id })) }, owner);
      expect(res.data?._entities.map((e) => [e.id, e.status])).toEqual(some.map((id) => [id, 'COMPLETED']));
      expect(h.ingest.running.db.queries.count()).toBe(2);
    }
    // another creator's job is no reference of theirs
    const stranger = await h.ingest.call<{ _entities: unknown[] }>(query, { r: [{ __typename: 'IngestJob', id: ids[0] }] }, creator());
    expect(stranger.data?._entities).toEqual([null]);
  });

  it('imports every feed of an OPML list, and stops polling a removed source', async () => {
    const owner = creator();
    const a = h.feeds.set('/opml-a.xml', { body: itunesRss({ title: 'Feed A', items: [{ guid: 'a1', title: 'A1', pubDate: day(1) }] }) });
    const b = h.feeds.set('/opml-b.xml', { body: itunesRss({ title: 'Feed B', items: [{ guid: 'b1', title: 'B1', pubDate: day(1) }] }) });
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head><body>
      <outline text="Podcasts"><outline type="rss" text="A" xmlUrl="${a}"/><outline type="rss" text="B" xmlUrl="${b}"/></outline></body></opml>`;
    const res = await h.ingest.call<{ importOpml: JobView[] }>(`mutation($opml: String!) { importOpml(opml: $opml) { ${JOB_FIELDS} } }`, { opml }, owner);
    expect(res.data?.importOpml.map((j) => j.feedUrl)).toEqual([a, b]);
    const jobs = await Promise.all(res.data!.importOpml.map((j) => finished(h, owner, j.id)));
    expect(jobs.map((j) => j.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect((await catalogShow(h, owner, jobs[1].show!.id)).title).toBe('Feed B');
    const notOpml = await h.ingest.call(`mutation { importOpml(opml: "<opml><body>") { id } }`, {}, owner);
    expect(notOpml.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'opml' });

    const polled = await finished(h, owner, (await importFeed(h, owner, a, 60)).id);
    expect(polled.nextPollAt).not.toBeNull();
    const remove = `mutation($id: ID!) { removeFeedSource(sourceId: $id) { id polling } }`;
    expect((await h.ingest.call(remove, { id: polled.sourceId }, creator())).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const removed = await h.ingest.call(remove, { id: polled.sourceId }, owner);
    expect(removed.data).toEqual({ removeFeedSource: { id: polled.sourceId, polling: false } });
    expect(await h.ingest.running.services.queue.queue.getJobScheduler(pollSchedulerId(polled.sourceId))).toBeUndefined();
    expect((await jobOf(h, owner, polled.id)).nextPollAt).toBeNull();
    expect(await h.worker.poll(polled.sourceId)).toBeNull();
  });

  it('streams a job through ingestProgress until it completes', async () => {
    const owner = creator();
    const url = h.feeds.set('/live.xml', { body: itunesRss({ items: [{ guid: 'l1', title: 'Live', pubDate: day(1) }] }), delayMs: 300 });
    const queued = await importFeed(h, owner, url);
    const sub = h.ingest.subscribe<{ ingestProgress: { id: string; status: string; progress: number } }>(
      `subscription($id: ID!) { ingestProgress(jobId: $id) { id status progress } }`,
      { id: queued.id },
      owner,
    );
    const end = await sub.ended;
    const statuses = sub.results.map((r) => r.data?.ingestProgress.status);
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(statuses.length).toBeGreaterThan(1);
    expect(end).toMatchObject({ completed: true });
    const progress = sub.results.map((r) => r.data?.ingestProgress.progress ?? -1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const other = h.ingest.subscribe(`subscription($id: ID!) { ingestProgress(jobId: $id) { id } }`, { id: queued.id }, creator());
    const refused = await other.ended;
    expect(refused.errors?.[0].extensions?.code ?? other.results[0]?.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await other.close();
  });
});

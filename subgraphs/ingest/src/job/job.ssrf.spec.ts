import { itunesRss } from '../testing/feeds';
import { creator, finished, importFeed, recordedEvents, startIngestHarness, type IngestHarness } from '../testing/harness';

/** The worker as deployed: private networks not allowed (INGEST_ALLOW_PRIVATE_NETWORKS unset). */
describe('importing from a private address', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await startIngestHarness({ allowPrivateNetworks: false });
  });
  afterAll(() => h.stop());

  it('fails the job without fetching: a loopback feed, a name resolving to loopback, an IPv4-mapped link-local address', async () => {
    const owner = creator();
    h.feeds.set('/internal.xml', { body: itunesRss({ items: [{ guid: 'x', title: 'X' }] }) });
    const cases: Array<[string, RegExp]> = [
      [h.feeds.url('/internal.xml'), /^127\.0\.0\.1 is not a public address$/],
      [`http://localhost:${h.feeds.port}/internal.xml`, /^localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', /is not a public address$/],
    ];
    for (const [url, reason] of cases) {
      const job = await finished(h, owner, (await importFeed(h, owner, url)).id);
      expect(job).toMatchObject({ status: 'FAILED', show: null, counts: { created: 0 } });
      expect(job.reason).toMatch(reason);
    }
    expect(h.feeds.requests).toEqual([]);
    const failed = (await recordedEvents(h)).filter((e) => e.type === 'ingest.IngestFailed');
    expect(failed).toHaveLength(cases.length);
  });
});

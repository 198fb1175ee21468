import type { LookupAddress } from 'node:dns';
import { FeedServer } from '../testing/feed-server';
import { isPublicAddress } from './address-policy';
import { fetchFeed, FetchFailure, type FetchPolicy } from './safe-fetch';

const NONE = { etag: null, lastModified: null };
const UA = 'wavegraph-test';

/** Allows exactly the test server's address: every other private address stays refused. */
const onlyTestServer: FetchPolicy = { allowPrivateNetworks: false, allowAddress: (a) => a === '127.0.0.1', timeoutMs: 2_000, maxBytes: 64 * 1024 };
const strict: FetchPolicy = { allowPrivateNetworks: false, timeoutMs: 2_000, maxBytes: 64 * 1024 };

/** A resolver for names of the test: `to` for every name. */
const resolvingTo = (address: string, family = 4) =>
  ((_host: string, _options: unknown, callback: (err: Error | null, addresses: LookupAddress[]) => void) => callback(null, [{ address, family }])) as unknown as FetchPolicy['lookup'];

async function failureOf(promise: Promise<unknown>): Promise<FetchFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchFailure) return error;
    throw error;
  }
  throw new Error('the fetch succeeded');
}

describe('fetchFeed', () => {
  const server = new FeedServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('refuses loopback, private, link-local, multicast and unspecified addresses unless allowed (IPv4, IPv6, IPv4-mapped)', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '224.0.0.1', '0.0.0.0', '100.64.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
    for (const address of ['8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses a loopback server when private networks are not allowed, and reaches it when they are', async () => {
    const url = server.set('/open', { body: '<rss/>' });
    const refused = await failureOf(fetchFeed(url, NONE, strict, UA));
    expect(refused).toMatchObject({ message: '127.0.0.1 is not a public address', transient: false });
    const fetched = await fetchFeed(url, NONE, { ...strict, allowPrivateNetworks: true }, UA);
    expect(fetched).toMatchObject({ status: 'ok', finalUrl: url });
  });

  it('refuses a hostname that resolves to 127.0.0.1, checked when connecting', async () => {
    server.set('/named', { body: '<rss/>' });
    const viaLocalhost = await failureOf(fetchFeed(`http://localhost:${server.port}/named`, NONE, strict, UA));
    expect(viaLocalhost.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/);
    const rebinding = await failureOf(fetchFeed(`http://feeds.example.test:${server.port}/named`, NONE, { ...strict, lookup: resolvingTo('127.0.0.1') }, UA));
    expect(rebinding.message).toBe('feeds.example.test resolves to 127.0.0.1, which is not a public address');
    const mapped = await failureOf(fetchFeed(`http://[::ffff:127.0.0.1]:${server.port}/named`, NONE, strict, UA));
    expect(mapped.message).toBe('::ffff:7f00:1 is not a public address');
  });

  it('checks every redirect hop again: a redirect to a private address or name is refused', async () => {
    const toLiteral = server.set('/to-private', { status: 302, headers: { location: 'http://10.0.0.7/feed' } });
    expect((await failureOf(fetchFeed(toLiteral, NONE, onlyTestServer, UA))).message).toBe('10.0.0.7 is not a public address');
    const toName = server.set('/to-internal', { status: 307, headers: { location: `http://internal.example.test:${server.port}/open` } });
    const policy = { ...onlyTestServer, lookup: resolvingTo('192.168.0.10') };
    expect((await failureOf(fetchFeed(toName, NONE, policy, UA))).message).toBe('internal.example.test resolves to 192.168.0.10, which is not a public address');
    const toFile = server.set('/to-file', { status: 301, headers: { location: 'file:///etc/passwd' } });
    expect((await failureOf(fetchFeed(toFile, NONE, onlyTestServer, UA))).message).toBe('only http and https URLs are fetched, not file:');
  });

  it('follows up to 5 redirects; a chain starting with 301s tells where the feed moved, a 302 does not', async () => {
    server.set('/final', { body: '<rss>final</rss>' });
    server.set('/moved', { status: 301, headers: { location: '/final' } });
    const moved = await fetchFeed(server.url('/moved'), NONE, onlyTestServer, UA);
    expect(moved).toMatchObject({ status: 'ok', finalUrl: server.url('/final'), movedTo: server.url('/final') });
    server.set('/found', { status: 302, headers: { location: '/final' } });
    expect(await fetchFeed(server.url('/found'), NONE, onlyTestServer, UA)).toMatchObject({ finalUrl: server.url('/final'), movedTo: null });
    for (let i = 0; i < 6; i++) server.set(`/hop${i}`, { status: 302, headers: { location: `/hop${i + 1}` } });
    server.set('/hop6', { body: '<rss/>' });
    expect((await failureOf(fetchFeed(server.url('/hop0'), NONE, onlyTestServer, UA))).message).toBe('more than 5 redirects');
    expect(await fetchFeed(server.url('/hop1'), NONE, onlyTestServer, UA)).toMatchObject({ status: 'ok', finalUrl: server.url('/hop6') });
  });

  it('sends the stored validators; 304 means not modified', async () => {
    const url = server.set('/etag', { body: '<rss/>', etag: '"v1"', headers: { 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' } });
    const first = await fetchFeed(url, NONE, onlyTestServer, UA);
    expect(first).toMatchObject({ status: 'ok', validators: { etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' } });
    const again = await fetchFeed(url, first.status === 'ok' ? first.validators : NONE, onlyTestServer, UA);
    expect(again.status).toBe('not-modified');
    expect(server.requests.at(-1)?.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' });
  });

  it('fails on 404 and 410 for good, on 5xx and timeouts for now, and on bodies over the limit', async () => {
    expect(await failureOf(fetchFeed(server.url('/missing'), NONE, onlyTestServer, UA))).toMatchObject({ message: 'the feed is gone (HTTP 404)', httpStatus: 404, transient: false });
    server.set('/gone', { status: 410 });
    expect(await failureOf(fetchFeed(server.url('/gone'), NONE, onlyTestServer, UA))).toMatchObject({ httpStatus: 410, transient: false });
    server.set('/busy', { status: 503 });
    expect(await failureOf(fetchFeed(server.url('/busy'), NONE, onlyTestServer, UA))).toMatchObject({ message: 'the feed answered HTTP 503', transient: true });
    server.set('/slow', { body: '<rss/>', delayMs: 1_500 });
    expect(await failureOf(fetchFeed(server.url('/slow'), NONE, { ...onlyTestServer, timeoutMs: 300 }, UA))).toMatchObject({ message: 'timed out after 300 ms', transient: true });
    server.set('/huge', { body: Buffer.alloc(100 * 1024, 'a') });
    expect((await failureOf(fetchFeed(server.url('/huge'), NONE, onlyTestServer, UA))).message).toMatch(/^larger than the 65536 bytes allowed/);
  });
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as sdk from '@wavegraph/client';
import { createWavegraphClient } from '@wavegraph/client';
import { startGateway, type GatewayConfig, type RunningGateway } from '@wavegraph/gateway';
import { eventually, subscribeOverWebSocket } from '@wavegraph/testkit';
import { print, type DocumentNode } from 'graphql';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import { connectRedis } from '@wavegraph/kit';
import WebSocket from 'ws';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy';
import { errorCodes, postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../clients/persisted-documents.json'), 'utf8')) as { operations: ManifestOperation[] };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The manifest's entry for the text the SDK sends for an operation (the typed documents' texts are listed beside it). */
const listed = (name: string): ManifestOperation => {
  const document = (sdk as unknown as Record<string, DocumentNode | undefined>)[`${name}Document`];
  const operation = document && manifest.operations.find((candidate) => candidate.id === sha256(print(document)));
  if (!operation) throw new Error(`${name} is not in the manifest`);
  return operation;
};
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const codeOf = (res: RawResponse) => res.body.errors?.map((error) => error.extensions?.code);

/** A POST with any body (hash alone, hash and query, …), as an APQ client sends it. */
async function post(url: string, body: Record<string, unknown>, token?: string): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawResponse['body'] };
}

/** A subscription sent by hash alone (graphql-ws needs a string query: an empty one). */
function subscribeByHash<T>(url: string, hash: string, variables: Record<string, unknown>) {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  const results: FormattedExecutionResult<T, unknown>[] = [];
  const ended = new Promise<unknown>((resolve) => {
    client.subscribe<T>({ query: '', variables, extensions: persisted(hash) }, { next: (result) => void results.push(result), error: resolve, complete: () => resolve('complete') });
  });
  return { results, ended, close: () => client.dispose() };
}

const AD_HOC_QUERY = '{ episodes(first: 5) { edges { node { id title } } } }';
const AD_HOC_SHOW = 'mutation { createShow(input: { slug: "adhoc", title: "Ad hoc", category: NEWS, language: "en" }) { id } }';

describe('the committed manifest', () => {
  it('lists every operation of the typed client by the sha256 of exactly the text the client sends', () => {
    const documents = Object.entries(sdk).filter(([name]) => name.endsWith('Document') && !name.endsWith('FragmentDoc'));
    // the same operations (each also by the texts of its typed document: clients/typescript/src/persisted-documents.spec.ts)
    expect(new Set(manifest.operations.map((operation) => operation.name))).toEqual(new Set(documents.map(([name]) => name.slice(0, -'Document'.length))));
    for (const [name, document] of documents) {
      // listed: by the sha256 of print() of the SDK's document, as graphql-request sends it
      const operation = listed(name.slice(0, -'Document'.length));
      expect(operation).toEqual({ id: sha256(print(document as DocumentNode)), name: name.slice(0, -'Document'.length), type: expect.any(String), body: print(document as DocumentNode) });
    }
  });
});

describe('trusted documents at the gateway', () => {
  let supergraph: TestSupergraph;
  let required: RunningGateway;
  const others: RunningGateway[] = [];
  const proxies: CountingProxy[] = [];
  const subgraphCalls = () => proxies.reduce((sum, proxy) => sum + proxy.requests, 0);
  const withMode = (mode: GatewayConfig['trustedDocuments']['mode'], extra: Partial<GatewayConfig> = {}): GatewayConfig => ({
    ...supergraph.gatewayConfig,
    trustedDocuments: { ...supergraph.gatewayConfig.trustedDocuments, mode },
    ...extra,
  });
  async function another(config: GatewayConfig): Promise<RunningGateway> {
    const gateway = await startGateway(config);
    others.push(gateway);
    return gateway;
  }
  let token: string;
  let showCount: () => Promise<number>;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    // the required gateway reaches every subgraph but engagement (which serves its WebSocket) through counters
    const subgraphUrls = { ...supergraph.gatewayConfig.subgraphUrls };
    for (const name of ['identity', 'catalog', 'discovery', 'media', 'notifications']) {
      const proxy = await startCountingProxy(subgraphUrls[name]);
      proxies.push(proxy);
      subgraphUrls[name] = proxy.url;
    }
    required = await startGateway(withMode('required', { subgraphUrls }));
    showCount = async () => (await supergraph.catalog.db.dataSource.query('SELECT count(*)::int AS n FROM shows'))[0].n as number;
  });
  afterAll(async () => {
    await Promise.all(others.map((gateway) => gateway.stop()));
    await required?.stop();
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await supergraph?.stop();
  });

  describe('required', () => {
    it('runs manifest operations sent by hash alone with the typed client, and by their exact text', async () => {
      const byHash = createWavegraphClient(required.url, undefined, { documents: 'hash' });
      const { register } = await byHash.Register({ input: { email: 'ada@example.com', handle: 'ada', displayName: 'Ada', password: 'ada has a long password' } });
      token = register.accessToken;
      expect(register.user.handle).toBe('ada');
      const signedIn = createWavegraphClient(required.url, token, { documents: 'hash' });
      expect((await signedIn.Me()).me).toMatchObject({ handle: 'ada' });
      // the text the typed client sends by default is the manifest's, so it runs too
      const { createShow } = await createWavegraphClient(required.url, token).CreateShow({ input: { slug: 'night-shift', title: 'Night Shift', category: 'NEWS', language: 'en' } });
      expect(createShow.title).toBe('Night Shift');
      // and so do hash and text together
      const both = await createWavegraphClient(required.url, token, { documents: 'hashAndText' }).Show({ id: createShow.id });
      expect(both.show?.id).toBe(createShow.id);
    });

    it('refuses an ad-hoc query with OPERATION_NOT_TRUSTED and HTTP 400, before any subgraph is called', async () => {
      const before = subgraphCalls();
      const res = await postGraphQL(required.url, AD_HOC_QUERY);
      expect(res.status).toBe(400);
      expect(codeOf(res)).toEqual(['OPERATION_NOT_TRUSTED']);
      expect(res.body.data ?? null).toBeNull();
      // a manifest operation spelled differently is another document
      const respelled = await postGraphQL(required.url, listed('Me').body.replace(/\s+/g, ' '), { token });
      expect(codeOf(respelled)).toEqual(['OPERATION_NOT_TRUSTED']);
      expect(subgraphCalls()).toBe(before);
    });

    it('refuses an ad-hoc mutation, which writes nothing', async () => {
      const shows = await showCount();
      const res = await postGraphQL(required.url, AD_HOC_SHOW, { token });
      expect(res.status).toBe(400);
      expect(codeOf(res)).toEqual(['OPERATION_NOT_TRUSTED']);
      expect(await showCount()).toBe(shows);
    });

    it('refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND, and a listed hash sent with another text', async () => {
      const before = subgraphCalls();
      const unknown = await post(required.url, { extensions: persisted(sha256(AD_HOC_QUERY)) });
      expect(unknown.status).toBe(400);
      expect(codeOf(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      // a hash cannot be registered here either: hash and text together are still refused
      const registering = await post(required.url, { query: AD_HOC_QUERY, extensions: persisted(sha256(AD_HOC_QUERY)) });
      expect(registering.status).toBe(400);
      expect(codeOf(registering)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const hijack = await post(required.url, { query: AD_HOC_QUERY, extensions: persisted(listed('LatestEpisodes').id) });
      expect(hijack.status).toBe(400);
      expect(codeOf(hijack)).toEqual(['BAD_REQUEST']);
      expect(hijack.body.data ?? null).toBeNull();
      // GET carries the extension in the query string, and is refused the same way
      const get = await fetch(`${required.url}?query=${encodeURIComponent(AD_HOC_QUERY)}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(get.status).toBe(400);
      expect(((await get.json()) as RawResponse['body']).errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
      expect(subgraphCalls()).toBe(before);
    });

    it('refuses over WebSocket a subscription not in the manifest, and runs a listed one sent by hash alone', async () => {
      const adhoc = subscribeOverWebSocket(required.url, 'subscription { notificationAdded { id } }');
      const end = await adhoc.ended;
      expect(end.errors?.map((error) => error.extensions?.code)).toEqual(['OPERATION_NOT_TRUSTED']);
      await adhoc.close();
      const unknown = subscribeByHash(required.url, sha256('subscription { notificationAdded { id } }'), {});
      expect(((await unknown.ended) as { extensions?: { code?: string } }[]).map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      await unknown.close();

      const author = createWavegraphClient(required.url, token, { documents: 'hash' });
      const { createShow } = await author.CreateShow({ input: { slug: 'live', title: 'Live', category: 'NEWS', language: 'en' } });
      const { createEpisode } = await author.CreateEpisode({ input: { showId: createShow.id, title: 'Pilot', description: '' } });
      await author.PublishEpisode({ id: createEpisode.id });
      await eventually(async () => author.LikeEpisode({ episodeId: createEpisode.id }));
      const live = subscribeByHash<sdk.CommentAddedSubscription>(required.url, listed('CommentAdded').id, { episodeId: createEpisode.id });
      try {
        await eventually(async () => supergraph.engagement.pubSub.listeners(`COMMENT_ADDED:${createEpisode.id}`) === 1);
        await author.PostComment({ episodeId: createEpisode.id, body: 'Trusted and live' });
        await eventually(async () => live.results.length >= 1);
        expect(live.results[0].data?.commentAdded).toMatchObject({ body: 'Trusted and live', author: { handle: 'ada' }, episode: { title: 'Pilot' } });
      } finally {
        await live.close();
      }
    });
  });

  describe('allow', () => {
    it('shares a document registered through one replica with another, through Redis', async () => {
      const replica = await another(withMode('allow'));
      const hash = sha256(AD_HOC_QUERY);
      const before = await post(replica.url, { extensions: persisted(hash) });
      expect(codeOf(before)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const registered = await post(supergraph.url, { query: AD_HOC_QUERY, extensions: persisted(hash) });
      expect(registered.status).toBe(200);
      expect(registered.body.errors).toBeUndefined();
      const redis = connectRedis(supergraph.gatewayConfig.redisUrl, 'command', { name: 'e2e:trusted-documents' });
      try {
        await eventually(async () => (await redis.get(`${supergraph.redisPrefix}:apq:${hash}`)) === AD_HOC_QUERY);
        expect(await redis.ttl(`${supergraph.redisPrefix}:apq:${hash}`)).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
      const byHash = await post(replica.url, { extensions: persisted(hash) });
      expect(byHash.status).toBe(200);
      expect(byHash.body).toEqual(registered.body);
      expect(byHash.body.data).toHaveProperty('episodes.edges');
    });

    it('runs manifest operations by hash without registration, and any valid text', async () => {
      const replica = await another(withMode('allow'));
      const { shows } = await createWavegraphClient(replica.url, undefined, { documents: 'hash' }).Shows({ first: 5 });
      expect(shows.edges.map((edge) => edge.node.slug)).toEqual(expect.arrayContaining(['night-shift']));
      const adhoc = await postGraphQL(replica.url, AD_HOC_QUERY);
      expect(adhoc.status).toBe(200);
      expect(adhoc.body.data).toHaveProperty('episodes.edges');
    });

    it('turns a Redis outage into persisted-query misses, never a 500', async () => {
      const cut = await another(withMode('allow', { redisUrl: 'redis://127.0.0.1:1' }));
      const text = '{ shows(first: 1) { edges { node { id } } } }';
      const registered = await post(cut.url, { query: text, extensions: persisted(sha256(text)) });
      expect(registered.status).toBe(200);
      expect(registered.body.data).toHaveProperty('shows.edges');
      const byHash = await post(cut.url, { extensions: persisted(sha256(text)) });
      expect(byHash.status).toBe(200);
      expect(codeOf(byHash)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      // the manifest needs no Redis
      expect((await createWavegraphClient(cut.url, undefined, { documents: 'hash' }).Shows({ first: 1 })).shows.edges).toHaveLength(1);
    });
  });

  describe('off', () => {
    it('accepts any valid operation and does not consult the manifest', async () => {
      const open = await another(withMode('off'));
      const adhoc = await postGraphQL(open.url, AD_HOC_QUERY);
      expect(adhoc.status).toBe(200);
      expect(adhoc.body.data).toHaveProperty('episodes.edges');
      expect(await errorCodes(createWavegraphClient(open.url, undefined, { documents: 'hash' }).Shows({ first: 1 }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect((await createWavegraphClient(open.url, undefined, { documents: 'hashAndText' }).Shows({ first: 1 })).shows.edges).toHaveLength(1);
    });
  });
});

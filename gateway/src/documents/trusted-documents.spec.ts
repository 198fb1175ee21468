import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { SubscribePayload } from 'graphql-ws';
import { documentHash, TrustedDocuments } from './manifest';
import { subscriptionDocument } from './subscriptions';
import { DocumentPolicy, type TrustedDocumentsMode } from './trusted-documents';

const LISTED = 'query Me {\n  me {\n    id\n  }\n}';
const ADHOC = '{ users { email } }';
const REGISTERED = '{ episodes(first: 1) { edges { node { id } } } }';
const manifest = new TrustedDocuments([{ id: documentHash(LISTED), name: 'Me', type: 'query', body: LISTED }]);

async function policyOf(mode: TrustedDocumentsMode) {
  const apq = new InMemoryLRUCache<string>();
  await apq.set(`apq:${documentHash(REGISTERED)}`, REGISTERED);
  return { apq, policy: new DocumentPolicy(mode, mode === 'off' ? null : manifest, apq) };
}
const codeOf = (error: { extensions: Record<string, unknown> } | null) => (error ? error.extensions.code : null);

describe('trusted documents policy', () => {
  it('in required mode runs only the manifest: by hash, by exact text, and refuses the rest with their codes', async () => {
    const { policy } = await policyOf('required');
    expect(policy.refusal({ hash: documentHash(LISTED), query: undefined })).toBeNull();
    expect(policy.refusal({ hash: documentHash(LISTED), query: LISTED })).toBeNull();
    expect(policy.refusal({ hash: undefined, query: LISTED })).toBeNull();
    expect(codeOf(policy.refusal({ hash: undefined, query: ADHOC }))).toBe('OPERATION_NOT_TRUSTED');
    // registered through APQ elsewhere still does not make it trusted
    expect(codeOf(policy.refusal({ hash: documentHash(REGISTERED), query: undefined }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(codeOf(policy.refusal({ hash: documentHash(ADHOC), query: ADHOC }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(await policy.lookup(documentHash(REGISTERED))).toBeUndefined();
    expect(await policy.lookup(documentHash(LISTED))).toBe(LISTED);
  });

  it.each<TrustedDocumentsMode>(['required', 'allow', 'off'])('in %s mode refuses a listed hash sent with another text', async (mode) => {
    const { policy } = await policyOf(mode);
    expect(codeOf(policy.refusal({ hash: documentHash(LISTED), query: ADHOC }))).toBe('BAD_REQUEST');
  });

  it('in allow mode accepts any text, and a hash from the manifest or from the shared APQ cache', async () => {
    const { policy } = await policyOf('allow');
    expect(policy.refusal({ hash: undefined, query: ADHOC })).toBeNull();
    expect(policy.refusal({ hash: documentHash(ADHOC), query: undefined })).toBeNull();
    expect(await policy.lookup(documentHash(LISTED))).toBe(LISTED);
    expect(await policy.lookup(documentHash(REGISTERED))).toBe(REGISTERED);
    expect(await policy.lookup(documentHash(ADHOC))).toBeUndefined();
  });

  it('in off mode ignores the manifest and serves only APQ registrations', async () => {
    const { policy } = await policyOf('off');
    expect(policy.manifest).toBeNull();
    expect(await policy.lookup(documentHash(LISTED))).toBeUndefined();
    expect(await policy.lookup(documentHash(REGISTERED))).toBe(REGISTERED);
  });

  it("gives Apollo Server's APQ a cache that reads the manifest first and registers only outside required mode", async () => {
    const allow = await policyOf('allow');
    const cache = allow.policy.persistedQueryCache();
    expect(await cache.get(`apq:${documentHash(LISTED)}`)).toBe(LISTED);
    await cache.set(`apq:${documentHash(ADHOC)}`, ADHOC);
    expect(await allow.apq.get(`apq:${documentHash(ADHOC)}`)).toBe(ADHOC);
    // the manifest's documents need no copy in Redis
    await cache.set(`apq:${documentHash(LISTED)}`, LISTED);
    expect(await allow.apq.get(`apq:${documentHash(LISTED)}`)).toBeUndefined();

    const required = await policyOf('required');
    await required.policy.persistedQueryCache().set(`apq:${documentHash(ADHOC)}`, ADHOC);
    expect(await required.apq.get(`apq:${documentHash(ADHOC)}`)).toBeUndefined();
  });
});

describe('subscription documents over graphql-ws', () => {
  const SUBSCRIPTION = 'subscription NotificationAdded {\n  notificationAdded {\n    id\n  }\n}';
  const trusted = new TrustedDocuments([{ id: documentHash(SUBSCRIPTION), name: 'NotificationAdded', type: 'subscription', body: SUBSCRIPTION }]);
  const persisted = (hash: string, query = ''): SubscribePayload => ({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

  it('in required mode resolves a listed hash sent with an empty query, and refuses free text and unknown hashes', async () => {
    const policy = new DocumentPolicy('required', trusted, new InMemoryLRUCache<string>());
    expect(await subscriptionDocument(policy, persisted(documentHash(SUBSCRIPTION)))).toEqual({ query: SUBSCRIPTION });
    expect(await subscriptionDocument(policy, { query: SUBSCRIPTION })).toEqual({ query: SUBSCRIPTION });
    const adhoc = await subscriptionDocument(policy, { query: 'subscription { notificationAdded { message } }' });
    expect('errors' in adhoc && adhoc.errors.map((e) => e.extensions.code)).toEqual(['OPERATION_NOT_TRUSTED']);
    const unknown = await subscriptionDocument(policy, persisted('0'.repeat(64)));
    expect('errors' in unknown && unknown.errors.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('in allow mode also resolves a hash registered through APQ, and misses an unknown one', async () => {
    const apq = new InMemoryLRUCache<string>();
    const registered = 'subscription { notificationAdded { message } }';
    await apq.set(`apq:${documentHash(registered)}`, registered);
    const policy = new DocumentPolicy('allow', trusted, apq);
    expect(await subscriptionDocument(policy, persisted(documentHash(registered)))).toEqual({ query: registered });
    expect(await subscriptionDocument(policy, { query: registered })).toEqual({ query: registered });
    const unknown = await subscriptionDocument(policy, persisted('f'.repeat(64)));
    expect('errors' in unknown && unknown.errors.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

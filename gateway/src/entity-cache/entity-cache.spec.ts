import type { SubgraphPayload } from '../subgraph/exchange';
import type { GatewayGraphQLResponse } from '../subgraph/types';
import { EntityCache, UNCACHEABLE_RECHECK_MS, type SendEntities } from './entity-cache';
import { entryKeyOf, selectionOf, tagOfRepresentation } from './keys';
import { MemoryTier } from './memory-tier';
import { CACHE_POLICY, cachePolicyOf, type CachePolicy, type WithCachePolicy } from './policy';
import { RedisTier } from './redis-tier';
import { DEFAULT_ENTITY_CACHE, type EntityCacheSettings } from './settings';

const QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Episode{__typename likeCount}}}';
const episode = (id: string) => ({ __typename: 'Episode', id });
const payloadOf = (...representations: unknown[]): SubgraphPayload => ({ query: QUERY, variables: { representations } });
const PUBLIC_60: CachePolicy = { maxAge: 60, scope: 'PUBLIC' };

type Answer = (representations: { id: string }[]) => WithCachePolicy<GatewayGraphQLResponse>;

/** A subgraph that counts what it is sent and answers each representation with its id. */
function subgraph(answer: Answer) {
  const sent: string[][] = [];
  const send: SendEntities = async (payload) => {
    const representations = payload.variables!.representations as { id: string }[];
    sent.push(representations.map((representation) => representation.id));
    return answer(representations);
  };
  return { sent, send };
}

const answering = (policy: CachePolicy | null, extra: Partial<GatewayGraphQLResponse> = {}): Answer => (representations) => ({
  data: { _entities: representations.map(({ id }) => ({ __typename: 'Episode', likeCount: Number(id) })) },
  ...extra,
  [CACHE_POLICY]: policy,
});

function cacheOf(settings: Partial<EntityCacheSettings> = {}, shared: RedisTier | null = null): EntityCache {
  const cache = new EntityCache({ ...DEFAULT_ENTITY_CACHE, enabled: true, ...settings }, shared);
  cache.setFollowing(true);
  return cache;
}

const entitiesOf = (response: GatewayGraphQLResponse) => (response.data as { _entities: unknown[] })._entities;

describe('entity cache keys', () => {
  it('separates subgraphs, operations and the variables a fetch uses, not the representations', () => {
    const base = selectionOf('engagement', payloadOf(episode('1')));
    expect(selectionOf('engagement', payloadOf(episode('2'), episode('3')))).toBe(base);
    expect(selectionOf('catalog', payloadOf(episode('1')))).not.toBe(base);
    expect(selectionOf('engagement', { ...payloadOf(), query: QUERY.replace('likeCount', 'commentCount') })).not.toBe(base);
    expect(selectionOf('engagement', { ...payloadOf(), operationName: 'Other' })).not.toBe(base);
    const withFirst = (first: number, extra = {}) => selectionOf('engagement', { query: QUERY, variables: { representations: [], first, ...extra } });
    expect(withFirst(5)).not.toBe(withFirst(6));
    expect(withFirst(5, { after: 'x' })).toBe(selectionOf('engagement', { query: QUERY, variables: { after: 'x', representations: [], first: 5 } }));
  });

  it('keys a representation by all it carries, in any key order, and tags it by type and id', () => {
    expect(entryKeyOf('s', { __typename: 'Episode', id: '1' })).toBe(entryKeyOf('s', { id: '1', __typename: 'Episode' }));
    expect(entryKeyOf('s', { __typename: 'Episode', id: '1' })).not.toBe(entryKeyOf('s', { __typename: 'Episode', id: '2' }));
    // a @requires value sent with the key is part of the question
    expect(entryKeyOf('s', { __typename: 'Episode', id: '1', title: 'a' })).not.toBe(entryKeyOf('s', { __typename: 'Episode', id: '1', title: 'b' }));
    expect(tagOfRepresentation({ __typename: 'Episode', id: 'ABC' })).toBe('Episode:abc');
    expect(tagOfRepresentation({ __typename: 'Episode', slug: 'x' })).toBeUndefined();
  });

  it('reads only the policies Apollo Server writes', () => {
    expect(cachePolicyOf('max-age=30, public')).toEqual({ maxAge: 30, scope: 'PUBLIC' });
    expect(cachePolicyOf('max-age=30, private')).toEqual({ maxAge: 30, scope: 'PRIVATE' });
    expect(cachePolicyOf('no-store')).toBeNull();
    expect(cachePolicyOf('')).toBeNull();
    expect(cachePolicyOf('public, max-age=30')).toBeNull();
  });
});

describe('entity cache scope rules', () => {
  it('serves a PUBLIC answer with a maxAge from the cache: hits are not sent', async () => {
    const cache = cacheOf();
    const { sent, send } = subgraph(answering(PUBLIC_60));
    await cache.fetch('engagement', payloadOf(episode('1'), episode('2')), send);
    const again = await cache.fetch('engagement', payloadOf(episode('2'), episode('1')), send);
    expect(sent).toEqual([['1', '2']]);
    expect(entitiesOf(again)).toEqual([{ __typename: 'Episode', likeCount: 2 }, { __typename: 'Episode', likeCount: 1 }]);
  });

  it.each([
    ['PRIVATE', { maxAge: 60, scope: 'PRIVATE' } as CachePolicy],
    ['unhinted (no-store)', null],
    ['maxAge 0', { maxAge: 0, scope: 'PUBLIC' } as CachePolicy],
  ])('never stores a %s answer', async (_name, policy) => {
    const cache = cacheOf();
    const { sent, send } = subgraph(answering(policy));
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(sent).toEqual([['1'], ['1']]);
    expect(cache.stats.stored).toBe(0);
  });

  it('never stores an entity that failed or came back null, and nothing when an error names no entity', async () => {
    const cache = cacheOf();
    const located = subgraph(() => ({
      data: { _entities: [{ __typename: 'Episode', likeCount: 1 }, { __typename: 'Episode', likeCount: null }, null] },
      errors: [{ message: 'boom', path: ['_entities', 1, 'likeCount'] }],
      [CACHE_POLICY]: PUBLIC_60,
    }));
    await cache.fetch('engagement', payloadOf(episode('1'), episode('2'), episode('3')), located.send);
    expect(cache.stats.stored).toBe(1);
    const unlocated = subgraph(answering(PUBLIC_60, { errors: [{ message: 'everything failed' }] as GatewayGraphQLResponse['errors'] }));
    await cache.fetch('other', payloadOf(episode('1')), unlocated.send);
    await cache.fetch('other', payloadOf(episode('1')), unlocated.send);
    expect(unlocated.sent).toEqual([['1'], ['1']]);
  });

  it('sends only the misses and merges them back in order, their errors located where they belong', async () => {
    const cache = cacheOf();
    await cache.fetch('engagement', payloadOf(episode('2')), subgraph(answering(PUBLIC_60)).send);
    const { sent, send } = subgraph((representations) => ({
      data: { _entities: representations.map(({ id }) => (id === '3' ? null : { __typename: 'Episode', likeCount: Number(id) })) },
      errors: [{ message: 'no 3', path: ['_entities', 1, 'likeCount'] }],
    }));
    const response = await cache.fetch('engagement', payloadOf(episode('1'), episode('2'), episode('3')), send);
    expect(sent).toEqual([['1', '3']]);
    expect(entitiesOf(response)).toEqual([{ __typename: 'Episode', likeCount: 1 }, { __typename: 'Episode', likeCount: 2 }, null]);
    expect(response.errors?.[0].path).toEqual(['_entities', 2, 'likeCount']);
  });

  it('gives every hit its own copy: what one request merges into its entity never reaches the next', async () => {
    const cache = cacheOf();
    const { send } = subgraph(answering(PUBLIC_60));
    const first = await cache.fetch('engagement', payloadOf(episode('1')), send);
    (entitiesOf(first)[0] as Record<string, unknown>).title = 'merged later';
    const hit = await cache.fetch('engagement', payloadOf(episode('1')), send);
    (entitiesOf(hit)[0] as Record<string, unknown>).title = 'merged again';
    expect(entitiesOf(await cache.fetch('engagement', payloadOf(episode('1')), send))).toEqual([{ __typename: 'Episode', likeCount: 1 }]);
  });

  it('is bypassed while the event streams are not followed', async () => {
    const cache = cacheOf();
    const { sent, send } = subgraph(answering(PUBLIC_60));
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    cache.setFollowing(false);
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    cache.setFollowing(true);
    // emptied when the streams were lost
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(sent).toEqual([['1'], ['1'], ['1']]);
  });
});

describe('entity cache lifetimes', () => {
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('evicts the least recently used entry beyond its size', () => {
    const memory = new MemoryTier(2);
    const entity = { json: '{}', fetchedAt: 0 };
    memory.set('Episode:1', 'k', entity, 60_000);
    memory.set('Episode:2', 'k', entity, 60_000);
    memory.get('Episode:1', 'k');
    memory.set('Episode:3', 'k', entity, 60_000);
    expect(memory.get('Episode:1', 'k')).toBeDefined();
    expect(memory.get('Episode:2', 'k')).toBeUndefined();
    expect(memory.get('Episode:3', 'k')).toBeDefined();
    // an evicted entry leaves the purge index too
    memory.purge('Episode:2');
    expect(memory.size).toBe(2);
  });

  it('keeps an entry no longer than its maxAge, capped by maxTtlMs', async () => {
    const cache = cacheOf({ maxTtlMs: 40 });
    const { sent, send } = subgraph(answering(PUBLIC_60));
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(sent).toHaveLength(1);
    await wait(80);
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(sent).toHaveLength(2);
  });
});

describe('entity cache purges', () => {
  it('drops every selection cached for a purged entity, and only for it', async () => {
    const cache = cacheOf();
    const { sent, send } = subgraph(answering(PUBLIC_60));
    const other = { query: QUERY.replace('likeCount', 'commentCount'), variables: { representations: [episode('1')] } };
    await cache.fetch('engagement', payloadOf(episode('1'), episode('2')), send);
    await cache.fetch('engagement', other, send);
    await cache.purge(['Episode:1']);
    await cache.fetch('engagement', payloadOf(episode('1'), episode('2')), send);
    await cache.fetch('engagement', other, send);
    expect(sent).toEqual([['1', '2'], ['1'], ['1'], ['1']]);
  });

  it('does not store what a fetch started before a purge of its entity brings back after it', async () => {
    const cache = cacheOf();
    let release: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    const slow = subgraph(answering(PUBLIC_60));
    const pending = cache.fetch('engagement', payloadOf(episode('1'), episode('2')), async (payload) => {
      await inFlight;
      return slow.send(payload);
    });
    await new Promise((resolve) => setImmediate(resolve));
    await cache.purge(['Episode:1']);
    release();
    await pending;
    const { sent, send } = subgraph(answering(PUBLIC_60));
    await cache.fetch('engagement', payloadOf(episode('1'), episode('2')), send);
    // the purged entity is fetched again; the other one was stored
    expect(sent).toEqual([['1']]);
  });
});

/** A Redis with just what the second level uses, shared by two gateway instances. */
function fakeRedis() {
  const hashes = new Map<string, Map<string, string>>();
  return {
    hashes,
    hget: async (key: string, field: string) => hashes.get(key)?.get(field) ?? null,
    hset: async (key: string, field: string, value: string) => {
      if (!hashes.has(key)) hashes.set(key, new Map());
      hashes.get(key)!.set(field, value);
      return 1;
    },
    pexpire: async () => 1,
    del: async (...keys: string[]) => keys.filter((key) => hashes.delete(key)).length,
  };
}

describe('entity cache shared level', () => {
  it('lets another instance serve what one stored, and a purge on one drops it for both', async () => {
    const redis = fakeRedis();
    const tier = () => new RedisTier(redis as never, 'wgcache-test', 50);
    const a = cacheOf({}, tier());
    const b = cacheOf({}, tier());
    const first = subgraph(answering(PUBLIC_60));
    await a.fetch('engagement', payloadOf(episode('1')), first.send);
    const second = subgraph(answering(PUBLIC_60));
    expect(entitiesOf(await b.fetch('engagement', payloadOf(episode('1')), second.send))).toEqual([{ __typename: 'Episode', likeCount: 1 }]);
    expect(second.sent).toEqual([]);
    await a.purge(['Episode:1']);
    expect(redis.hashes.size).toBe(0);
  });

  it('refuses a shared value fetched before a purge this instance applied (stored by one that had not read the event)', async () => {
    const redis = fakeRedis();
    let now = 1_000;
    const clock = () => now;
    const a = new EntityCache({ ...DEFAULT_ENTITY_CACHE, enabled: true }, new RedisTier(redis as never, 'p', 50, clock), clock);
    const b = new EntityCache({ ...DEFAULT_ENTITY_CACHE, enabled: true }, new RedisTier(redis as never, 'p', 50, clock), clock);
    a.setFollowing(true);
    b.setFollowing(true);
    // b reads the event at 1 500; a, lagging, stores at 2 000 what it fetched at 1 000
    let release: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    const stale = a.fetch('engagement', payloadOf(episode('1')), async (payload) => {
      await inFlight;
      return subgraph(answering(PUBLIC_60)).send(payload);
    });
    await new Promise((resolve) => setImmediate(resolve));
    now = 1_500;
    await b.purge(['Episode:1']);
    now = 2_000;
    release();
    await stale;
    expect(redis.hashes.size).toBe(1);
    const fresh = subgraph(answering(PUBLIC_60));
    await b.fetch('engagement', payloadOf(episode('1')), fresh.send);
    expect(fresh.sent).toEqual([['1']]);
  });
});

describe('selections that cannot be shared', () => {
  it('go straight to the subgraph after an answer without a shareable policy, and are looked up again later', async () => {
    let now = 1_000_000;
    const lookups: number[] = [];
    const shared = { getMany: async (slots: unknown[]) => (lookups.push(slots.length), slots.map(() => null)), set: () => undefined, purge: async () => undefined } as unknown as RedisTier;
    const cache = new EntityCache({ ...DEFAULT_ENTITY_CACHE, enabled: true }, shared, () => now);
    cache.setFollowing(true);
    let policy: CachePolicy | null = null;
    const { sent, send } = subgraph((representations) => answering(policy)(representations));
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(lookups).toEqual([1]);
    // the same selection again: no lookup, the subgraph answers, nothing is stored
    const second = await cache.fetch('engagement', payloadOf(episode('1'), episode('2')), send);
    expect(lookups).toEqual([1]);
    expect(entitiesOf(second)).toEqual([{ __typename: 'Episode', likeCount: 1 }, { __typename: 'Episode', likeCount: 2 }]);
    expect(cache.stats.stored).toBe(0);
    // once the recheck time passed, a subgraph that now sends hints is cached again
    policy = PUBLIC_60;
    now += UNCACHEABLE_RECHECK_MS + 1;
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(lookups).toEqual([1, 1]);
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(sent).toEqual([['1'], ['1', '2'], ['1']]);
  });

  it('are not remembered for a failure to reach the subgraph', async () => {
    const cache = cacheOf();
    let reachable = false;
    const { sent, send } = subgraph((representations) => (reachable ? answering(PUBLIC_60)(representations) : { data: null, errors: [{ message: 'down' }] } as WithCachePolicy<GatewayGraphQLResponse>));
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    reachable = true;
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    await cache.fetch('engagement', payloadOf(episode('1')), send);
    expect(sent).toEqual([['1'], ['1']]);
  });
});

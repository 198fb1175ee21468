import { ApolloServer, HeaderMap } from '@apollo/server';
import type { Viewer } from '@wavegraph/auth';
import { createRedisConnections, type Redis, type RedisConnections } from '@wavegraph/redis';
import { dropRedisPrefix, freePort, freshRedisPrefix, TEST_REDIS_URL } from '@wavegraph/testkit';
import { GraphQLError } from 'graphql';
import pino from 'pino';
import type { GatewayContext } from '../context';
import { parseIdempotencyKey } from './key';
import { idempotencyPlugin, worthKeeping, type IdempotencyOutcome } from './plugin';
import { IdempotencyStore, type IdempotencySettings } from './store';

const log = pino({ level: 'silent' });
const alice: Viewer = { id: 'alice', role: 'USER', plan: 'FREE' };
const bob: Viewer = { id: 'bob', role: 'USER', plan: 'FREE' };
const settings: IdempotencySettings = { ttlSeconds: 600, waitMs: 2_000, lockMs: 5_000, skipFields: ['login'] };

const typeDefs = `#graphql
  type Comment { id: ID! text: String! }
  type Query { comments: Int! }
  type Mutation {
    postComment(text: String!, tag: String): Comment!
    flaky(code: String!): Comment!
    login(email: String!): String!
  }
`;

/** A tiny API whose mutations count what they did, and can be held until a test lets them finish. */
function api() {
  const state = { posted: 0, attempts: 0, logins: 0, hold: undefined as Promise<void> | undefined };
  const resolvers = {
    Query: { comments: () => state.posted },
    Mutation: {
      postComment: async (_: unknown, { text }: { text: string }) => {
        state.posted += 1;
        const id = `c${state.posted}`;
        await state.hold;
        return { id, text };
      },
      flaky: (_: unknown, { code }: { code: string }) => {
        state.attempts += 1;
        throw new GraphQLError('not now', { extensions: { code } });
      },
      login: () => `token-${++state.logins}`,
    },
  };
  return { state, resolvers };
}

interface Sent {
  status: number;
  headers: HeaderMap;
  body: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

describe('idempotent mutations', () => {
  let prefix: string;
  let connections: RedisConnections;
  let server: ApolloServer<GatewayContext>;
  let state: ReturnType<typeof api>['state'];
  const outcomes: IdempotencyOutcome[] = [];

  let redis: Redis;
  let down: RedisConnections | undefined;

  /** A fresh API behind the plugin; `url` points its store at another Redis (one that is down). */
  async function start(overrides: Partial<IdempotencySettings> = {}, url?: string) {
    await server?.stop();
    await down?.close();
    down = url ? createRedisConnections(url, { owner: 'idempotency-spec-down' }) : undefined;
    const made = api();
    state = made.state;
    const store = new IdempotencyStore(down ? down.open('failFast', 'down') : redis, prefix, { ...settings, ...overrides });
    server = new ApolloServer<GatewayContext>({
      typeDefs,
      resolvers: made.resolvers,
      plugins: [idempotencyPlugin({ store, skipFields: new Set(settings.skipFields), log, count: (outcome) => outcomes.push(outcome) })],
    });
    await server.start();
  }

  async function send(query: string, variables: Record<string, unknown>, key: string | undefined, viewer: Viewer | null = alice, clientIp = '10.0.0.1'): Promise<Sent> {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    if (key !== undefined) headers.set('idempotency-key', key);
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query, variables } },
      context: async () => ({ viewer, requestId: 'r', clientIp }),
    });
    if (response.body.kind !== 'complete') throw new Error('expected a complete body');
    return { status: response.status ?? 200, headers: response.headers, body: response.body.string, json: JSON.parse(response.body.string) as Sent['json'] };
  }

  const POST = 'mutation Post($text: String!, $tag: String) { postComment(text: $text, tag: $tag) { id text } }';

  beforeAll(async () => {
    prefix = freshRedisPrefix();
    connections = createRedisConnections(TEST_REDIS_URL, { owner: 'idempotency-spec' });
    redis = connections.open('failFast', 'store');
    // failFast refuses commands until connected
    await new Promise((resolve) => redis.once('ready', resolve));
    await start();
  });
  afterAll(async () => {
    await server?.stop();
    await down?.close();
    await connections?.close();
    await dropRedisPrefix(prefix);
  });
  beforeEach(() => {
    outcomes.length = 0;
  });

  it('runs a retried mutation once and answers the retry with the first answer, marked as replayed', async () => {
    const first = await send(POST, { text: 'hello', tag: 'a' }, 'key-1');
    expect(first.json).toEqual({ data: { postComment: { id: 'c1', text: 'hello' } } });
    expect(first.headers.get('idempotent-replayed')).toBeUndefined();
    // the same variables in another key order are the same request
    const retry = await send(POST, { tag: 'a', text: 'hello' }, 'key-1');
    expect(retry.body).toBe(first.body);
    expect(retry.status).toBe(first.status);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(state.posted).toBe(1);
    expect(outcomes).toEqual(['stored', 'replayed']);
  });

  it('accepts the key in the draft standard\'s quoted form as the same key', async () => {
    const first = await send(POST, { text: 'quoted' }, '"key-q"');
    const retry = await send(POST, { text: 'quoted' }, 'key-q');
    expect(retry.body).toBe(first.body);
    expect(state.posted).toBe(2);
  });

  it('refuses the same key with other variables or another operation (422), running nothing', async () => {
    const before = state.posted;
    const other = await send(POST, { text: 'something else', tag: 'a' }, 'key-1');
    expect(other.status).toBe(422);
    expect(other.json.errors).toEqual([{ message: 'This Idempotency-Key was used for another operation or other variables', extensions: { code: 'IDEMPOTENCY_KEY_REUSED' } }]);
    const renamed = await send('mutation Again($text: String!, $tag: String) { postComment(text: $text, tag: $tag) { id } }', { text: 'hello', tag: 'a' }, 'key-1');
    expect(renamed.status).toBe(422);
    expect(state.posted).toBe(before);
  });

  it('keeps each viewer\'s keys apart, and anonymous callers\' apart by address', async () => {
    const before = state.posted;
    const mine = await send(POST, { text: 'same' }, 'shared-key', alice);
    const theirs = await send(POST, { text: 'same' }, 'shared-key', bob);
    const anonymous = await send(POST, { text: 'same' }, 'shared-key', null, '10.0.0.7');
    const otherAnonymous = await send(POST, { text: 'same' }, 'shared-key', null, '10.0.0.8');
    expect(state.posted).toBe(before + 4);
    expect(new Set([mine, theirs, anonymous, otherAnonymous].map((r) => r.body)).size).toBe(4);
    expect((await send(POST, { text: 'same' }, 'shared-key', null, '10.0.0.7')).body).toBe(anonymous.body);
    expect(state.posted).toBe(before + 4);
  });

  it('makes a retry sent while the first still runs wait for its answer', async () => {
    let finish!: () => void;
    state.hold = new Promise((resolve) => (finish = resolve));
    const before = state.posted;
    const first = send(POST, { text: 'slow' }, 'key-slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const retry = send(POST, { text: 'slow' }, 'key-slow');
    await new Promise((resolve) => setTimeout(resolve, 200));
    finish();
    state.hold = undefined;
    const [a, b] = await Promise.all([first, retry]);
    expect(b.body).toBe(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(state.posted).toBe(before + 1);
  });

  it('answers a retryable 409 with Retry-After when the first is still running after the wait', async () => {
    await start({ waitMs: 150 });
    let finish!: () => void;
    state.hold = new Promise((resolve) => (finish = resolve));
    const first = send(POST, { text: 'slower' }, 'key-409');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const retry = await send(POST, { text: 'slower' }, 'key-409');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(retry.status).toBe(409);
    expect(retry.headers.get('retry-after')).toBe('1');
    expect(retry.json.errors?.[0].extensions).toEqual({ code: 'IDEMPOTENCY_KEY_IN_USE', retryAfter: 1 });
    finish();
    state.hold = undefined;
    await first;
    expect(state.posted).toBe(1);
    // once the first has answered, the retry gets its answer
    expect((await send(POST, { text: 'slower' }, 'key-409')).headers.get('idempotent-replayed')).toBe('true');
    await start();
  });

  it.each(['SUBGRAPH_UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RATE_LIMITED'])('does not keep an answer that failed retryably (%s): the retry runs', async (code) => {
    const key = `key-${code}`;
    const first = await send('mutation($code: String!) { flaky(code: $code) { id } }', { code }, key);
    expect(first.json.errors?.[0].extensions.code).toBe(code);
    const retry = await send('mutation($code: String!) { flaky(code: $code) { id } }', { code }, key);
    expect(retry.headers.get('idempotent-replayed')).toBeUndefined();
    expect(state.attempts).toBe(2);
    state.attempts = 0;
    expect(outcomes).toEqual(['released', 'released']);
  });

  it('keeps an answer that failed for good (the retry would fail the same way)', async () => {
    const first = await send('mutation($code: String!) { flaky(code: $code) { id } }', { code: 'FORBIDDEN' }, 'key-forbidden');
    const retry = await send('mutation($code: String!) { flaky(code: $code) { id } }', { code: 'FORBIDDEN' }, 'key-forbidden');
    expect(retry.body).toBe(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(state.attempts).toBe(1);
    state.attempts = 0;
  });

  it('ignores a key on a query and on mutations whose answers carry credentials', async () => {
    const a = await send('{ comments }', {}, 'key-query');
    state.posted += 1;
    const b = await send('{ comments }', {}, 'key-query');
    expect(b.json.data?.comments).toBe((a.json.data?.comments as number) + 1);
    expect(b.headers.get('idempotent-replayed')).toBeUndefined();
    const login = 'mutation { login(email: "a@example.com") }';
    expect((await send(login, {}, 'key-login')).json.data).toEqual({ login: 'token-1' });
    expect((await send(login, {}, 'key-login')).json.data).toEqual({ login: 'token-2' });
    expect(outcomes).toEqual([]);
  });

  it('refuses a key that is empty, too long or not visible ASCII, before running', async () => {
    const before = state.posted;
    for (const key of ['', '   ', 'k'.repeat(256), 'naïve', 'tab\there']) {
      const refused = await send(POST, { text: 'x' }, key);
      expect(refused.status).toBe(400);
      expect(refused.json.errors?.[0].extensions.code).toBe('IDEMPOTENCY_KEY_INVALID');
    }
    expect(state.posted).toBe(before);
    expect(parseIdempotencyKey('k'.repeat(255))).toBe('k'.repeat(255));
  });

  it('keeps the answer for the configured time', async () => {
    await send(POST, { text: 'ttl' }, 'key-ttl');
    const [, keys] = await redis.scan('0', 'MATCH', `${prefix}:idempotency:*`, 'COUNT', 1_000);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    expect(Math.max(...ttls)).toBeGreaterThan((settings.ttlSeconds - 5) * 1000);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(settings.ttlSeconds * 1000);
  });

  it('refuses a mutation with a key while Redis cannot be reached (503, retryable), and runs one without', async () => {
    await start({}, `redis://127.0.0.1:${await freePort()}`);
    const refused = await send(POST, { text: 'no redis' }, 'key-down');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.json.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(state.posted).toBe(0);
    expect((await send(POST, { text: 'no key' }, undefined)).json.data).toEqual({ postComment: { id: 'c1', text: 'no key' } });
    await start();
  });
});

describe('which answers are kept', () => {
  it('keeps successes and final failures, not retryable failures where nothing ran', () => {
    expect(worthKeeping(200, { data: { a: 1 } })).toBe(true);
    expect(worthKeeping(200, { data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] })).toBe(true);
    expect(worthKeeping(200, { data: null, errors: [{ message: 'down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] })).toBe(false);
    expect(worthKeeping(503, { errors: [{ message: 'down' }] })).toBe(false);
    expect(worthKeeping(429, { errors: [{ message: 'slow down' }] })).toBe(false);
    // the mutation ran; only a field of another subgraph failed: a retry would run it again
    expect(worthKeeping(200, { data: { postComment: { id: 'c1', author: null } }, errors: [{ message: 'down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] })).toBe(true);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { verifyEnvelope, type Viewer } from '@wavegraph/auth';
import { parse } from 'graphql';
import pino from 'pino';
import type { GatewayContext } from './context';
import { SubgraphSource } from './subgraph-source';
import { SubgraphBreakers } from './subgraph/breakers';
import { SubgraphHttp } from './subgraph/http-client';
import { createSigner } from './subgraph/signer';

const secret = 'subgraph-source-spec-secret-0123456789abcdef';
const ENTITIES = 'query($representations:[_Any!]!){_entities(representations:$representations){...on User{handle}}}';
const alice: Viewer = { id: 'alice', role: 'USER', plan: 'FREE' };
const bob: Viewer = { id: 'bob', role: 'USER', plan: 'PREMIUM' };

interface Received {
  body: { query: string; variables: { representations: { id: string }[] } };
  headers: IncomingHttpHeaders;
}

/** A subgraph answering `_entities` for users; a representation with id "broken" gets a located error. */
async function fakeSubgraph(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as Received['body'];
      received.push({ body, headers: req.headers });
      const verified = verifyEnvelope(secret, req.headers, raw);
      const who = verified.ok ? (verified.viewer?.id ?? 'anonymous') : 'unsigned';
      if (!body.variables.representations) {
        res.setHeader('content-type', 'application/json');
        setTimeout(() => res.end(JSON.stringify({ data: { me: { handle: who } } })), 20);
        return;
      }
      const errors: unknown[] = [];
      const entities = body.variables.representations.map((r, index) => {
        if (r.id === 'broken') {
          errors.push({ message: 'no such user', path: ['_entities', index, 'handle'], extensions: { code: 'NOT_FOUND' } });
          return null;
        }
        return { handle: `${r.id} seen by ${who}` };
      });
      if (body.variables.representations.some((r) => r.id === 'global')) errors.push({ message: 'partly degraded' });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { _entities: entities }, ...(errors.length > 0 && { errors }) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, received };
}

const ME = '{ me { handle } }';

function rootFetch(viewer: Viewer | null, operation: 'query' | 'mutation' = 'query'): GraphQLDataSourceProcessOptions<GatewayContext> {
  const query = operation === 'query' ? ME : 'mutation { touch { handle } }';
  return {
    kind: 'incoming operation',
    request: { query, variables: {} },
    document: parse(query),
    context: { viewer, requestId: 'r' },
    incomingRequestContext: { operation: { operation } },
    pathInIncomingRequest: undefined,
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

function entityFetch(viewer: Viewer | null, ids: string[], requestId = 'r'): GraphQLDataSourceProcessOptions<GatewayContext> {
  return {
    kind: 'incoming operation',
    request: { query: ENTITIES, variables: { representations: ids.map((id) => ({ __typename: 'User', id })) } },
    document: parse(ENTITIES),
    context: { viewer, requestId },
    incomingRequestContext: { operation: { operation: 'query' } },
    pathInIncomingRequest: undefined,
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

describe('a subgraph data source', () => {
  let subgraph: Awaited<ReturnType<typeof fakeSubgraph>>;
  let http: SubgraphHttp;
  const source = (enabled = true, maxRepresentations = 1000, dedupeReads = true) =>
    new SubgraphSource({
      name: 'identity',
      url: subgraph.url,
      signer: createSigner(secret),
      breakers: new SubgraphBreakers({ timeoutMs: 2_000, breakerThreshold: 5, breakerHalfOpenMs: 1_000, retryAttempts: 0, retryBaseDelayMs: 10, retryMaxDelayMs: 10 }, pino({ level: 'silent' })),
      http,
      batching: { enabled, maxRepresentations },
      dedupeReads,
    });

  beforeEach(async () => {
    subgraph = await fakeSubgraph();
    http = new SubgraphHttp({ connections: 8, keepAliveTimeoutMs: 1_000, socketTimeoutMs: 2_000 });
  });
  afterEach(async () => {
    await http.close();
    await new Promise((resolve) => subgraph.server.close(resolve));
  });

  it('merges concurrent entity fetches of one viewer into one signed request and gives each its own entities', async () => {
    const users = source();
    const [first, second, third] = await Promise.all([
      users.process(entityFetch(alice, ['u1', 'u2'], 'r1')),
      users.process(entityFetch(alice, ['u3'], 'r2')),
      users.process(entityFetch(alice, ['u1'], 'r3')),
    ]);
    expect(subgraph.received).toHaveLength(1);
    expect(subgraph.received[0].body.variables.representations.map((r) => r.id)).toEqual(['u1', 'u2', 'u3', 'u1']);
    expect(subgraph.received[0].headers['x-request-id']).toBe('r1');
    expect(first.data).toEqual({ _entities: [{ handle: 'u1 seen by alice' }, { handle: 'u2 seen by alice' }] });
    expect(second.data).toEqual({ _entities: [{ handle: 'u3 seen by alice' }] });
    expect(third.data).toEqual({ _entities: [{ handle: 'u1 seen by alice' }] });
  });

  it('signs each fetch with the moment the gateway stops waiting for it: its timeout from now', async () => {
    const started = Date.now();
    const answer = await source().process(rootFetch(alice, 'mutation'));
    expect(answer.data).toEqual({ me: { handle: 'alice' } });
    const deadline = Number(subgraph.received[0].headers['x-wavegraph-deadline']);
    expect(deadline).toBeGreaterThanOrEqual(started + 2_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 2_000);
  });

  it("passes the client's traceparent on (this gateway does not trace), the first caller's for a merged fetch", async () => {
    const users = source();
    const traced = (ids: string[], traceparent?: string) => {
      const fetch = entityFetch(alice, ids);
      (fetch.context as GatewayContext).traceparent = traceparent;
      return users.process(fetch);
    };
    const first = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await Promise.all([traced(['u1'], first), traced(['u2'], '00-5bf92f3577b34da6a3ce929d0e0e4736-10f067aa0ba902b7-01')]);
    await traced(['u3']);
    expect(subgraph.received.map((r) => r.headers.traceparent)).toEqual([first, undefined]);
  });

  it('never merges fetches of different viewers: each answer is computed for its own viewer', async () => {
    const users = source();
    const [forAlice, forBob, forNobody] = await Promise.all([
      users.process(entityFetch(alice, ['u1'])),
      users.process(entityFetch(bob, ['u1'])),
      users.process(entityFetch(null, ['u1'])),
    ]);
    expect(subgraph.received).toHaveLength(3);
    expect(forAlice.data).toEqual({ _entities: [{ handle: 'u1 seen by alice' }] });
    expect(forBob.data).toEqual({ _entities: [{ handle: 'u1 seen by bob' }] });
    expect(forNobody.data).toEqual({ _entities: [{ handle: 'u1 seen by anonymous' }] });
  });

  it('gives a located error only to the fetch whose representation failed, and an unlocated one to all', async () => {
    const users = source();
    const [ok, failing, other] = await Promise.all([
      users.process(entityFetch(alice, ['u1', 'u2'])),
      users.process(entityFetch(alice, ['u3', 'broken'])),
      users.process(entityFetch(alice, ['global'])),
    ]);
    expect(subgraph.received).toHaveLength(1);
    expect(ok.data).toEqual({ _entities: [{ handle: 'u1 seen by alice' }, { handle: 'u2 seen by alice' }] });
    expect(failing.data).toEqual({ _entities: [{ handle: 'u3 seen by alice' }, null] });
    expect(failing.errors).toEqual([
      { message: 'no such user', path: ['_entities', 1, 'handle'], extensions: { code: 'NOT_FOUND' } },
      { message: 'partly degraded' },
    ]);
    expect(ok.errors).toEqual([{ message: 'partly degraded' }]);
    expect(other.errors).toEqual([{ message: 'partly degraded' }]);
  });

  it('splits a batch at the configured number of representations', async () => {
    const users = source(true, 3);
    const answers = await Promise.all([users.process(entityFetch(alice, ['a', 'b'])), users.process(entityFetch(alice, ['c', 'd'])), users.process(entityFetch(alice, ['e']))]);
    expect(subgraph.received.map((r) => r.body.variables.representations.map((x) => x.id))).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(answers.map((a) => a.data)).toEqual([
      { _entities: [{ handle: 'a seen by alice' }, { handle: 'b seen by alice' }] },
      { _entities: [{ handle: 'c seen by alice' }, { handle: 'd seen by alice' }] },
      { _entities: [{ handle: 'e seen by alice' }] },
    ]);
  });

  it('sends each fetch on its own when batching is off', async () => {
    const users = source(false);
    await Promise.all([users.process(entityFetch(alice, ['u1'])), users.process(entityFetch(alice, ['u2']))]);
    expect(subgraph.received).toHaveLength(2);
  });

  it('lets identical reads of one viewer in flight share one request, each getting its own copy', async () => {
    const users = source();
    const [first, second, other] = await Promise.all([users.process(rootFetch(alice)), users.process(rootFetch(alice)), users.process(rootFetch(bob))]);
    expect(subgraph.received).toHaveLength(2);
    expect(first.data).toEqual({ me: { handle: 'alice' } });
    expect(second.data).toEqual({ me: { handle: 'alice' } });
    expect(second.data).not.toBe(first.data);
    expect(other.data).toEqual({ me: { handle: 'bob' } });
    await users.process(rootFetch(alice));
    expect(subgraph.received).toHaveLength(3);
  });

  it('never shares a mutation, nor reads when sharing is off', async () => {
    await Promise.all([source().process(rootFetch(alice, 'mutation')), source().process(rootFetch(alice, 'mutation'))]);
    expect(subgraph.received).toHaveLength(2);
    const unshared = source(true, 1000, false);
    await Promise.all([unshared.process(rootFetch(alice)), unshared.process(rootFetch(alice))]);
    expect(subgraph.received).toHaveLength(4);
  });

  it('answers every member of a merged fetch with located SUBGRAPH_UNAVAILABLE errors when the subgraph is gone', async () => {
    const users = source();
    await new Promise((resolve) => subgraph.server.close(resolve));
    subgraph.server = createServer().listen(0); // closed again in afterEach
    const [first, second] = await Promise.all([users.process(entityFetch(alice, ['u1', 'u2'])), users.process(entityFetch(alice, ['u3']))]);
    expect(first.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 0, 'handle'], 'SUBGRAPH_UNAVAILABLE'],
      [['_entities', 1, 'handle'], 'SUBGRAPH_UNAVAILABLE'],
    ]);
    expect(second.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['_entities', 0, 'handle'], 'SUBGRAPH_UNAVAILABLE']]);
  });
});

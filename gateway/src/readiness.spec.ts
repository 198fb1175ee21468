import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from '@wavegraph/redis';
import { readiness, type ReadinessSources } from './readiness';

describe('gateway readiness', () => {
  let jwks: Server;
  let jwksUrl: string;
  let keys: unknown[] = [{ kty: 'EC' }];
  let jwksHits = 0;
  beforeAll(async () => {
    jwks = createServer((_req, res) => {
      jwksHits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => jwks.close(resolve)));

  const sources = (overrides: Partial<ReadinessSources> = {}): ReadinessSources => ({
    jwksUrl,
    supergraph: () => ({ sdl: 'schema { query: Query }', loadedAt: new Date('2026-01-01T00:00:00Z') }),
    plannerBuilt: () => true,
    breakers: () => ({ identity: { state: 'closed' }, engagement: { state: 'open', since: '2026-01-01T00:01:00.000Z' } }),
    redis: { status: 'ready', ping: async () => 'PONG' } as unknown as Redis,
    jwksCacheMs: 0,
    ...overrides,
  });

  it('is ready with a supergraph, its planner and the JWKS, reporting an open breaker without becoming unready', async () => {
    keys = [{ kty: 'EC' }];
    expect(await readiness(sources())()).toEqual({
      status: 'ready',
      service: 'gateway',
      supergraph: { loaded: true, hash: expect.stringMatching(/^[0-9a-f]{16}$/), loadedAt: '2026-01-01T00:00:00.000Z' },
      planner: { built: true },
      jwks: { reachable: true, keys: 1 },
      breakers: { identity: { state: 'closed' }, engagement: { state: 'open', since: '2026-01-01T00:01:00.000Z' } },
      redis: { reachable: true },
    });
  });

  it.each([
    ['no supergraph is loaded yet', { supergraph: () => undefined, plannerBuilt: () => false }, { supergraph: { loaded: false }, planner: { built: false } }],
    ['the JWKS cannot be reached', { jwksUrl: 'http://127.0.0.1:1/jwks.json' }, { jwks: { reachable: false, reason: 'unreachable' } }],
  ] as const)('is unavailable when %s', async (_name, overrides, expected) => {
    expect(await readiness(sources(overrides))()).toMatchObject({ status: 'unavailable', ...expected });
  });

  it('is unavailable when the JWKS answers without keys', async () => {
    keys = [];
    expect(await readiness(sources())()).toMatchObject({ status: 'unavailable', jwks: { reachable: false, reason: 'no keys' } });
    keys = [{ kty: 'EC' }];
  });

  it('stays ready without Redis (limits are then counted per replica), and says so', async () => {
    expect(await readiness(sources({ redis: { status: 'reconnecting' } as Redis }))()).toMatchObject({ status: 'ready', redis: { reachable: false } });
  });

  it('is not fooled by a connection that looks ready but does not answer PING', async () => {
    const silent = { status: 'ready', ping: () => new Promise(() => undefined) } as unknown as Redis;
    expect(await readiness(sources({ redis: silent }))()).toMatchObject({ status: 'ready', redis: { reachable: false } });
  });

  it('pings Redis at most once a second however often it is probed, and reads its own state live', async () => {
    let pings = 0;
    let open = false;
    const redis = { status: 'ready', ping: async () => ((pings += 1), 'PONG') } as unknown as Redis;
    const ready = readiness(sources({ redis, breakers: () => ({ identity: { state: open ? 'open' : 'closed' } }) }));
    await Promise.all([ready(), ready()]);
    open = true;
    expect(await ready()).toMatchObject({ breakers: { identity: { state: 'open' } }, redis: { reachable: true } });
    expect(pings).toBe(1);
  });

  it('asks identity for the JWKS at most once per cache period', async () => {
    const ready = readiness(sources({ jwksCacheMs: 60_000 }));
    const before = jwksHits;
    await Promise.all([ready(), ready(), ready()]);
    await ready();
    expect(jwksHits - before).toBe(1);
  });
});

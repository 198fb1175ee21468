import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createSessionVerifier } from './auth';

type Mode = 'ok' | 'error' | 'hang';

// Identity's keys through a slow or failing identity: what is known keeps verifying, the rest is a 503 and never a 401.
describe("identity's signing keys", () => {
  let server: Server;
  let jwksUrl: string;
  let mode: Mode = 'ok';
  let requests = 0;
  const pairs: { kid: string; privateKey: CryptoKey; jwk: JWK }[] = [];
  let published: JWK[] = [];

  beforeAll(async () => {
    for (const kid of ['k1', 'k2']) {
      const pair = await generateKeyPair('ES256');
      pairs.push({ kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } });
    }
    published = [pairs[0].jwk];
    server = createServer((_req, res) => {
      requests += 1;
      if (mode === 'hang') return; // never answers: the fetch times out
      if (mode === 'error') return void res.writeHead(500).end('identity is restarting');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    mode = 'ok';
    published = [pairs[0].jwk];
  });

  const bearer = async (kid: string) => {
    const { privateKey } = pairs.find((p) => p.kid === kid)!;
    const jwt = await new SignJWT({ role: 'USER', plan: 'FREE', iat_ms: Date.now() })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(`user-${kid}`)
      .setIssuer('wavegraph-identity')
      .setAudience('wavegraph')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    return `Bearer ${jwt}`;
  };
  // nothing remembered between calls: every verification reaches for the keys; the cache is stale after 1 ms
  const verifier = () => createSessionVerifier({ jwksUrl, issuer: 'wavegraph-identity', audience: 'wavegraph', verifiedTokens: 0, keys: { timeoutMs: 200, cacheMaxAgeMs: 1, cooldownMs: 0 } });
  const unavailable = { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } }, message: 'Cannot verify tokens right now' };
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('fetches the keys when warmed, before any request', async () => {
    const verify = verifier();
    const before = requests;
    await verify.warm?.();
    expect(requests).toBe(before + 1);
    expect((await verify(await bearer('k1')))?.viewer.id).toBe('user-k1');
  });

  it.each<Mode>(['error', 'hang'])('keeps verifying tokens of a known key while identity %s', async (failure) => {
    const verify = verifier();
    await verify.warm?.();
    mode = failure;
    await pause();
    const before = requests;
    expect((await verify(await bearer('k1')))?.viewer.id).toBe('user-k1');
    // it did ask identity first
    expect(requests).toBeGreaterThan(before);
    // a key it has never seen needs identity: our outage, not the token's fault
    published = [pairs[0].jwk, pairs[1].jwk];
    await expect(verify(await bearer('k2'))).rejects.toMatchObject(unavailable);
  });

  it('says SERVICE_UNAVAILABLE, not invalid, when the keys were never fetched', async () => {
    mode = 'error';
    await expect(verifier()(await bearer('k1'))).rejects.toMatchObject(unavailable);
    mode = 'hang';
    await expect(verifier()(await bearer('k1'))).rejects.toMatchObject(unavailable);
  });

  it('trusts a rotated key only from identity, and refuses a key identity does not publish', async () => {
    const verify = verifier();
    await verify.warm?.();
    await expect(verify(await bearer('k2'))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: 'Access token is invalid' });
    published = [pairs[0].jwk, pairs[1].jwk];
    await pause();
    expect((await verify(await bearer('k2')))?.viewer.id).toBe('user-k2');
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenIdentity } from '@wavegraph/auth';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createSessionVerifier } from './auth';

// Verified tokens are remembered; revocation and expiry are still decided on every use.
describe('the session verifier', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      jwksRequests += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const token = (expiresInSeconds: number, sub = 'u1') =>
    new SignJWT({ role: 'USER', plan: 'FREE', sid: `s-${sub}`, iat_ms: Date.now() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setSubject(sub)
      .setIssuer('wavegraph-identity')
      .setAudience('wavegraph')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(privateKey);

  it('asks about revocation on every use of a remembered token, and refuses it once revoked', async () => {
    const revoked = new Set<string>();
    const asked: string[] = [];
    const verify = createSessionVerifier({
      jwksUrl, issuer: 'wavegraph-identity', audience: 'wavegraph',
      revoked: async (identity: TokenIdentity) => {
        asked.push(identity.userId);
        return revoked.has(identity.userId);
      },
    });
    const bearer = `Bearer ${await token(600)}`;
    expect((await verify(bearer))?.viewer).toEqual({ id: 'u1', role: 'USER', plan: 'FREE' });
    expect((await verify(bearer))?.viewer.id).toBe('u1');
    revoked.add('u1');
    await expect(verify(bearer)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('revoked') });
    expect(asked).toEqual(['u1', 'u1', 'u1']);
  });

  it('refuses a remembered token once it has expired', async () => {
    const verify = createSessionVerifier({ jwksUrl, issuer: 'wavegraph-identity', audience: 'wavegraph' });
    const bearer = `Bearer ${await token(2, 'u2')}`;
    expect((await verify(bearer))?.viewer.id).toBe('u2');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(verify(bearer)).rejects.toMatchObject({ message: 'Access token has expired' });
  });

  it('never remembers a token that failed: a tampered one fails every time', async () => {
    const verify = createSessionVerifier({ jwksUrl, issuer: 'wavegraph-identity', audience: 'wavegraph' });
    const good = await token(600, 'u3');
    const tampered = `Bearer ${good.slice(0, -4)}${good.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await expect(verify(tampered)).rejects.toMatchObject({ message: 'Access token is invalid' });
    await expect(verify(tampered)).rejects.toMatchObject({ message: 'Access token is invalid' });
    expect(jwksRequests).toBeGreaterThan(0);
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registerUser, startIdentity, type Harness } from '../testing/harness';
import { jwksUrl } from './jwks';
import { tokenSettings } from './token.config';

const run = promisify(execFile);

/**
 * Verifies a token the way the gateway does, with jose's createRemoteJWKSet + jwtVerify.
 * jose is ESM-only and Jest runs CommonJS, so the check runs in a real Node process.
 */
async function verifyWithJose(url: string, token: string, audience = 'wavegraph'): Promise<{ payload: Record<string, unknown>; protectedHeader: Record<string, unknown> }> {
  const script = `
    import { createRemoteJWKSet, jwtVerify } from 'jose';
    const [url, token, audience] = process.argv.slice(1);
    try {
      const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(url)), { algorithms: ['ES256'], issuer: 'wavegraph-identity', audience });
      console.log(JSON.stringify({ payload, protectedHeader }));
    } catch (error) {
      console.log(JSON.stringify({ error: error.code ?? error.message }));
    }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, url, token, audience], { cwd: join(__dirname, '..', '..') });
  const result = JSON.parse(stdout);
  if (result.error) throw new Error(result.error);
  return result;
}

describe('identity: access tokens and JWKS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startIdentity();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('serves public keys only at /.well-known/jwks.json', async () => {
    const res = await fetch(jwksUrl(h.running.url));
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0].kid).toBeTruthy();
    expect(keys[0]).not.toHaveProperty('d');
    const [stored] = await h.running.db.dataSource.query('SELECT kid, private_jwk FROM signing_key');
    expect(stored.kid).toBe(keys[0].kid);
    expect(stored.private_jwk.d).toBeTruthy();
  });

  it('issues ES256 tokens that verify against the served JWKS with jose and carry role and plan', async () => {
    const reg = await registerUser(h);
    const { payload, protectedHeader } = await verifyWithJose(jwksUrl(h.running.url), reg.accessToken);
    const { keys } = (await (await fetch(jwksUrl(h.running.url))).json()) as { keys: { kid: string }[] };
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: keys[0].kid });
    expect(payload).toMatchObject({ sub: reg.user.id, role: 'USER', plan: 'FREE', iss: 'wavegraph-identity', aud: 'wavegraph' });
    const ttl = (payload.exp as number) - (payload.iat as number);
    expect(ttl).toBe(900);
    expect(new Date(reg.accessTokenExpiresAt).getTime()).toBe((payload.exp as number) * 1000);
  });

  it('fails verification for the wrong audience or a tampered token', async () => {
    const reg = await registerUser(h);
    await expect(verifyWithJose(jwksUrl(h.running.url), reg.accessToken, 'someone-else')).rejects.toThrow('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const [header, payload, signature] = reg.accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'ADMIN' })).toString('base64url');
    await expect(verifyWithJose(jwksUrl(h.running.url), `${header}.${forged}.${signature}`)).rejects.toThrow('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('shares the signing key with another replica on the same database', async () => {
    const replica = await startIdentity(h.database);
    try {
      const reg = await registerUser(replica);
      // a token signed by the replica verifies with the first instance's JWKS
      await expect(verifyWithJose(jwksUrl(h.running.url), reg.accessToken)).resolves.toMatchObject({ payload: { sub: reg.user.id } });
      expect(await h.count('signing_key')).toBe(1);
    } finally {
      await replica.stop();
    }
  });

  it('caps the access token lifetime at 15 minutes', () => {
    process.env.ACCESS_TOKEN_TTL_SECONDS = '3600';
    try {
      expect(() => tokenSettings()).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    } finally {
      delete process.env.ACCESS_TOKEN_TTL_SECONDS;
    }
  });

  it('is reachable without the gateway signature, unlike /graphql', async () => {
    const graphql = await fetch(h.running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' });
    expect(graphql.status).toBe(401);
    expect((await fetch(jwksUrl(h.running.url))).status).toBe(200);
  });
});

import { SignJWT, generateKeyPair, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/**
 * Tokens a hostile or careless caller might send, derived from a real one; `identityKey` is
 * identity's own private key, for tokens that are genuinely signed but wrong in another way.
 */
export async function forgedTokens(realToken: string, identityKey: JWK) {
  const [header, payload] = realToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const { kid } = decodeProtectedHeader(realToken);
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { privateKey } = await generateKeyPair('ES256');
  const sign = (extra: Record<string, unknown>, protectedHeader: Record<string, unknown> = { alg: 'ES256', kid }) =>
    new SignJWT({ ...claims, ...extra }).setProtectedHeader(protectedHeader as { alg: string }).sign(privateKey);
  return {
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'ADMIN' })}.`,
    tampered: `${header}.${b64({ ...claims, role: 'ADMIN' })}.${realToken.split('.')[2]}`,
    wrongKey: await sign({ role: 'ADMIN' }),
    expired: await signWith(identityKey, kid, { ...claims, exp: Math.floor(Date.now() / 1000) - 60 }),
    wrongAudience: await signWith(identityKey, kid, { ...claims, aud: 'somebody-else' }),
    wrongIssuer: await signWith(identityKey, kid, { ...claims, iss: 'https://evil.example' }),
    garbage: 'not-a-jwt',
  };
}

async function signWith(jwk: JWK, kid: string | undefined, claims: Record<string, unknown>): Promise<string> {
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
}

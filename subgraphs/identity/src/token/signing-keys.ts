import { createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SigningKey } from './signing-key.entity';

export interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** Any constant shared by replicas; serialises "create the first key" across them. */
const KEY_CREATION_LOCK = 7_305_001;

/** RFC 7638 thumbprint of an EC public key: a stable, content-derived key id. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function newKeyPair(): Pick<SigningKey, 'kid' | 'publicJwk' | 'privateJwk'> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = publicKey.export({ format: 'jwk' });
  return { kid: thumbprint(publicJwk), publicJwk, privateJwk: privateKey.export({ format: 'jwk' }) };
}

/** Loads the newest signing key, creating one on the very first start (under a lock, so replicas agree). */
export async function loadOrCreateSigningKey(dataSource: DataSource): Promise<ActiveKey> {
  const key = await dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
    const repo = manager.getRepository(SigningKey);
    const [newest] = await repo.find({ order: { createdAt: 'DESC' }, take: 1 });
    return newest ?? (await repo.save(repo.create(newKeyPair())));
  });
  return { kid: key.kid, privateKey: createPrivateKey({ key: key.privateJwk, format: 'jwk' }) };
}

/** The JWKS document: public keys only, every key still in the table (so rotation keeps old tokens verifiable). */
export async function publicJwks(dataSource: DataSource): Promise<{ keys: PublicJwk[] }> {
  const keys = await dataSource.getRepository(SigningKey).find({ order: { createdAt: 'DESC' } });
  return {
    keys: keys.map(({ kid, publicJwk }) => ({
      kty: publicJwk.kty,
      crv: publicJwk.crv,
      x: publicJwk.x,
      y: publicJwk.y,
      kid,
      alg: 'ES256',
      use: 'sig',
    })),
  };
}

/**
 * Secrets shipped in the source (so `npm start` works with no setup) are public knowledge:
 * anyone who can reach a port signed with one can forge a gateway envelope or a playback URL.
 * They are accepted only in an explicit local run: NODE_ENV=development or test, listening on
 * loopback. Every other run must be given its own secret, and may not be given a published one.
 */
export const DEV_SECRETS = {
  WAVEGRAPH_GATEWAY_SECRET: 'wavegraph-dev-gateway-secret-change-me',
  MEDIA_SIGNING_SECRET: 'wavegraph-dev-media-secret-change-me',
} as const;

export type SecretName = keyof typeof DEV_SECRETS;

/** Shortest secret accepted outside a local run (256 bits of hex, or any 32 characters). */
export const MIN_SECRET_LENGTH = 32;

const PUBLISHED = new Set<string>(Object.values(DEV_SECRETS));

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

type Env = Record<string, string | undefined>;

/** An explicit local development or test run: the only place a published secret may work. */
export function isLocalRun(env: Env = process.env): boolean {
  const mode = env.NODE_ENV;
  return (mode === 'development' || mode === 'test') && isLoopback(env.HOST || '127.0.0.1');
}

/** Reads a secret, refusing to start with a missing, published or short one outside a local run. */
export function secretFromEnv(name: SecretName, env: Env = process.env): string {
  const given = env[name];
  if (isLocalRun(env)) return given || DEV_SECRETS[name];
  const where = `NODE_ENV=${env.NODE_ENV ?? '(unset)'}, HOST=${env.HOST || '127.0.0.1'}`;
  if (!given) {
    throw new Error(`${name} must be set (${where}); the built-in development value works only with NODE_ENV=development on a loopback HOST`);
  }
  if (PUBLISHED.has(given)) throw new Error(`${name} is a published development value and cannot be used here (${where})`);
  if (given.length < MIN_SECRET_LENGTH) throw new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters`);
  return given;
}

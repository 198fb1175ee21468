import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropRedisPrefix, freshDatabase, freshRedisPrefix, type TestDatabase } from '@wavegraph/testkit';

const root = path.resolve(__dirname, '../..');
export const services = JSON.parse(readFileSync(path.join(root, 'scripts/services.json'), 'utf8')) as {
  subgraphs: { name: string; port: number }[];
  workers: { name: string; port: number }[];
  gateway: { port: number };
};

/** Polls `probe` every 250 ms until it gives a value; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface NpmStart {
  /** The `npm start` process (scripts/up.mjs). */
  up: ChildProcess;
  /** Its gateway's GraphQL URL and origin. */
  gatewayUrl: string;
  origin: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with its exit code. */
  exit: Promise<number | null>;
  /** Stops it (Ctrl-C) if it still runs, then drops its databases, Redis keys and media dir. */
  stop(): Promise<void>;
}

/**
 * What `npm start` runs (scripts/up.mjs, without install and build), every process its own OS
 * process, on ports moved by `portOffset`, with fresh databases (`name` in their names), its own
 * Redis prefix and media dir, plus `env`.
 */
export async function startNpmStart(name: string, portOffset: number, env: Record<string, string> = {}): Promise<NpmStart> {
  const databases: TestDatabase[] = [];
  const redisPrefix = `${freshRedisPrefix()}-${name}`;
  const mediaDir = mkdtempSync(path.join(tmpdir(), `wg${name}-media-`));
  const origin = `http://127.0.0.1:${services.gateway.port + portOffset}`;
  const full: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'development',
    WAVEGRAPH_PORT_OFFSET: String(portOffset),
    REDIS_PREFIX: redisPrefix,
    MEDIA_DIR: mediaDir,
    MEDIA_PUBLIC_URL: origin,
    LOG_LEVEL: 'warn',
    // scenarios poll the gateway; limits are not what they are about
    GATEWAY_RATE_ANONYMOUS: '0',
    GATEWAY_RATE_FREE: '0',
    ...env,
  };
  for (const s of services.subgraphs) {
    const db = await freshDatabase(`${name}${s.name}`);
    databases.push(db);
    full[`${s.name.toUpperCase()}_DATABASE_URL`] = db.url;
  }
  let output = '';
  const up = spawn(process.execPath, ['scripts/up.mjs', '--no-install'], { cwd: root, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  up.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  up.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (up.exitCode === null && up.signalCode === null) {
      up.kill('SIGINT');
      await exit;
    }
    await Promise.all(databases.map((db) => db.drop()));
    await dropRedisPrefix(redisPrefix);
    rmSync(mediaDir, { recursive: true, force: true });
  };
  try {
    await until('the stack to be up', () => (output.includes('Wavegraph is up.') ? true : up.exitCode !== null ? Promise.reject(new Error(output)) : undefined), 150_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { up, gatewayUrl: `${origin}/graphql`, origin, output: () => output, exit, stop };
}

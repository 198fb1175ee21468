import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectRedis } from '@wavegraph/kit';
import { freePort } from './ports';

/** A Redis server of the test's own, which it may stop and start (the shared one must stay up). */
export interface PrivateRedis {
  url: string;
  port: number;
  /** Stops the server; with append-only persistence, data survives a restart like in production. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

async function waitForPing(url: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // one attempt per probe: the loop retries, and the refusals until the server is up are counted like any other
    const redis = connectRedis(url, 'failFast', { name: 'test:private-redis-probe', lazyConnect: true, overrides: { retryStrategy: () => null } });
    try {
      await redis.connect();
      await redis.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      redis.disconnect();
    }
  }
}

/** `port`: a fixed one (a test's own range); default: any free port. */
export async function startPrivateRedis(fixedPort?: number): Promise<PrivateRedis> {
  const port = fixedPort ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'wgtest-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], {
      stdio: 'ignore',
    });
    await waitForPing(url);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

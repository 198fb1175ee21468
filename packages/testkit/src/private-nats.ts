import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

/** The NATS server every machine of the project runs (JetStream enabled); tests that stop or wipe one start their own. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/** Where the server binary is (Debian's nats-server package). */
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** A NATS JetStream server of the test's own, which it may stop, start and wipe (the shared one must stay up). */
export interface PrivateNats {
  url: string;
  port: number;
  /** Stops the server; its store stays, so a restart keeps the streams like in production. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it, empties its store and starts it again: a server that came back without its streams and consumers. */
  wipe(): Promise<void>;
  /** Stops it for good and removes its store. */
  destroy(): Promise<void>;
}

/** The server answers with its INFO line once it accepts clients. */
async function waitForInfo(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('INFO'));
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nats-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  let dir = mkdtempSync(path.join(tmpdir(), 'wgtest-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    await waitForInfo(port);
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
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    wipe: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(path.join(tmpdir(), 'wgtest-nats-'));
      await start();
    },
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

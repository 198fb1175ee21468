import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './ports';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** The `postgres` database of this cluster (user postgres, trust). */
  adminUrl: string;
  /** A database of this cluster. */
  url(database: string): string;
  /** Creates a database on it and returns its URL. */
  createDatabase(name: string): Promise<string>;
  port: number;
  /** Fast shutdown: open connections are cut, as when a database server goes away. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

/** Postgres refuses to run as root: as root, its tools run as the `postgres` user. */
async function pg(tool: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  await run(asRoot ? 'runuser' : tool, asRoot ? ['-u', 'postgres', '--', tool, ...args] : args, { timeout: 60_000 });
}

/**
 * A Postgres cluster of this test alone (initdb into a temporary directory, on a free port), to
 * stop and start without touching the shared server. Needs initdb and pg_ctl on the PATH.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'wgtest-pg-'));
  // the postgres user must be able to own and enter it
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const start = () => pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const stop = () => pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: url('postgres'),
    url,
    createDatabase: async (name) => {
      const admin = new Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    port,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

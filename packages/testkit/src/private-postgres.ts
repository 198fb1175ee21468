import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

/** The server tools: on the PATH, else where Debian's packages put them (/usr/lib/postgresql/<version>/bin). */
function toolPath(tool: string): string {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, tool)));
  if (onPath) return tool;
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((version) => path.join(debian, version, 'bin', tool)).find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`${tool} not found: a private Postgres needs the PostgreSQL server tools (initdb, pg_ctl)`);
  return found;
}

/** Postgres refuses to run as root: as root, its tools run as the `postgres` user. */
async function pg(tool: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const command = toolPath(tool);
  await run(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { timeout: 60_000 });
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

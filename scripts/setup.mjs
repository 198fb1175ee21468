// Installs the workspace (pnpm through npx: nothing global needed) and builds it with tsc.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM = 'pnpm@10.34.8';

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\n✖ ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

export function pnpm(args, options) {
  run('npx', ['--yes', PNPM, ...args], options);
}

function reachable(description, check) {
  try {
    execFileSync(process.execPath, ['-e', check], { cwd: root, stdio: 'pipe', timeout: 10_000 });
  } catch {
    console.error(`✖ ${description} is not reachable. Wavegraph needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (see README, Configuration).`);
    process.exit(1);
  }
}

/** Postgres and Redis must be up; checked with a plain TCP connect so nothing else is required. */
export function checkServices() {
  const tcp = (port) => `require('net').connect(${port}, '127.0.0.1').on('connect', function () { this.end(); process.exit(0); }).on('error', () => process.exit(1))`;
  reachable('PostgreSQL', tcp(Number(process.env.PGPORT ?? 5432)));
  reachable('Redis', tcp(6379));
}

const runs = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const onPath = (command) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));

/**
 * The system tools Wavegraph runs, each with how to tell it is there and the Debian package
 * that brings it: ffmpeg and ffprobe for media processing, pocketsphinx (and its US English
 * model) for transcripts, flite and espeak-ng for text-to-speech, nats-server for the
 * JetStream transport's tests (which start servers of their own), clickhouse for analytics,
 * chromium for the browser tests.
 */
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const CLICKHOUSE_SERVER = process.env.CLICKHOUSE_SERVER_BIN ?? '/usr/sbin/clickhouse-server';
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const SYSTEM_TOOLS = {
  ffmpeg: { present: () => runs('ffmpeg', ['-version']) && runs('ffprobe', ['-version']), packages: ['ffmpeg'] },
  pocketsphinx: {
    // it has no version flag; run without arguments it prints its usage and exits 1, so only its presence is checked
    present: () => onPath('pocketsphinx_continuous') && existsSync('/usr/share/pocketsphinx/model/en-us/en-us/mdef'),
    packages: ['pocketsphinx', 'pocketsphinx-en-us'],
  },
  flite: { present: () => runs('flite', ['-lv']), packages: ['flite'] },
  'espeak-ng': { present: () => runs('espeak-ng', ['--version']), packages: ['espeak-ng'] },
  'nats-server': { present: () => runs(NATS_SERVER, ['--version']), packages: ['nats-server'], hint: 'or NATS_SERVER_BIN=<path>' },
  // headless browser tests (playwright-core drives Debian's build; no browser download)
  chromium: { present: () => runs(CHROMIUM, ['--version']), packages: ['chromium'], hint: 'or CHROMIUM_BIN=<path>' },
  // analytics' store; the dev and test commands start a server of their own (scripts/clickhouse.cjs).
  // clickhouse-server has no --version flag, so the binary's presence and the client's version tell
  clickhouse: {
    present: () => existsSync(CLICKHOUSE_SERVER) && runs('clickhouse-client', ['--version']),
    packages: ['clickhouse-server', 'clickhouse-client'],
    hint: 'or CLICKHOUSE_SERVER_BIN=<path>',
  },
};

/**
 * Installs what of `names` is missing, in one apt-get run, where we may (root with apt-get);
 * otherwise says what to install and stops.
 */
export function ensureSystemTools(names) {
  const missing = names.filter((name) => !SYSTEM_TOOLS[name].present());
  if (missing.length === 0) return;
  const packages = missing.flatMap((name) => SYSTEM_TOOLS[name].packages);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && runs('apt-get', ['--version'])) {
    console.log(`${missing.join(', ')} missing: installing ${packages.join(' ')} with apt-get…`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', ...packages], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const still = missing.filter((name) => !SYSTEM_TOOLS[name].present());
  if (still.length === 0) return;
  for (const name of still) {
    const { packages: needed, hint } = SYSTEM_TOOLS[name];
    console.error(`✖ ${name} is needed (e.g. \`sudo apt-get install ${needed.join(' ')}\`${hint ? `, ${hint}` : ''}).`);
  }
  process.exit(1);
}

const psql = (sql) => spawnSync('psql', ['-h', '127.0.0.1', '-p', String(process.env.PGPORT ?? 5432), '-U', 'postgres', '-d', 'postgres', '-Atc', sql], { encoding: 'utf8' });

/**
 * The test run keeps two whole supergraphs (ten subgraphs and their workers each) and the specs'
 * own pools open at once: Postgres's default of 100 connections is too few. On a local cluster we
 * may manage (root, Debian's pg_ctlcluster) max_connections is raised to `atLeast` once, with a
 * restart; elsewhere a warning says what to set.
 */
export function ensurePostgresConnections(atLeast = 300) {
  const shown = psql('SHOW max_connections');
  const current = Number(shown.stdout?.trim());
  if (shown.status !== 0 || !Number.isFinite(current) || current >= atLeast) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const cluster = existsSync('/etc/postgresql') ? spawnSync('ls', ['/etc/postgresql'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] : '';
  if (!isRoot || !cluster || !onPath('pg_ctlcluster')) {
    console.warn(`! PostgreSQL allows ${current} connections; the test run may need up to ${atLeast} (set max_connections = ${atLeast} and restart it).`);
    return;
  }
  console.log(`PostgreSQL allows ${current} connections: raising max_connections to ${atLeast} (ALTER SYSTEM) and restarting the ${cluster}/main cluster…`);
  const altered = psql(`ALTER SYSTEM SET max_connections = ${atLeast}`);
  if (altered.status !== 0) {
    console.warn(`! could not raise max_connections: ${altered.stderr?.trim()}`);
    return;
  }
  run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'restart']);
  for (let i = 0; i < 60 && psql('SELECT 1').status !== 0; i += 1) spawnSync('sleep', ['0.5']);
}

/** What the running platform needs: media processing, transcripts, text-to-speech and analytics' store. */
export const RUNTIME_TOOLS = ['ffmpeg', 'pocketsphinx', 'flite', 'espeak-ng', 'clickhouse'];

export function installAndBuild() {
  pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only']);
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  buildWebApp();
}

/** The web app (clients/web): type-checked, then bundled by Vite into clients/web/dist (no network needed). */
export function buildWebApp() {
  const web = path.join(root, 'clients/web');
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(web, 'tsconfig.json')]);
  run(process.execPath, [path.join(web, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: web });
}

/** Type-checks what the build does not emit: the specs and scenario tests. */
export function typecheckTests() {
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.tests.json']);
}

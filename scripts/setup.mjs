// Installs the workspace (pnpm through npx: nothing global needed) and builds it with tsc.
import { execFileSync, spawnSync } from 'node:child_process';
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

const has = (command) => spawnSync(command, ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * The media pipeline runs the system's ffmpeg and ffprobe. Where they are missing and we may
 * install Debian packages (root with apt-get), we do; otherwise we say what to install.
 */
export function ensureFfmpeg() {
  if (has('ffmpeg') && has('ffprobe')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.log('ffmpeg is missing: installing it with apt-get…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'ffmpeg'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (has('ffmpeg') && has('ffprobe')) return;
  }
  console.error('✖ ffmpeg and ffprobe are needed for media processing (e.g. `sudo apt-get install ffmpeg`).');
  process.exit(1);
}

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * The event transport's JetStream specs start nats-servers of their own (testkit's
 * startPrivateNats). Where the binary is missing and we may install Debian packages, we do.
 */
export function ensureNatsServer() {
  const present = () => spawnSync(NATS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
  if (present()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.log('nats-server is missing: installing it with apt-get…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'nats-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (present()) return;
  }
  console.error(`✖ nats-server is needed for the JetStream transport's tests (e.g. \`sudo apt-get install nats-server\`, or NATS_SERVER_BIN=<path>).`);
  process.exit(1);
}

export function installAndBuild() {
  pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only']);
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b']);
}

/** Type-checks what the build does not emit: the specs and scenario tests. */
export function typecheckTests() {
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.tests.json']);
}

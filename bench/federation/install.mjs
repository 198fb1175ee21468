// The baselines (stock @apollo/gateway and Hive Gateway) and the bench's load generator are
// bench/'s own dependencies, pinned in bench/package.json and bench/pnpm-lock.yaml. bench/ is not
// a workspace member, so `npm test` and CI never install them: this does, when the bench runs.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function installBenchDependencies() {
  execFileSync('npx', ['--yes', 'pnpm@10.34.8', 'install', '--ignore-workspace', '--frozen-lockfile', '--prefer-offline', '--dir', bench], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// The second command: install, build, check committed generated files, run every test.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkServices, ensurePostgresConnections, ensureSystemTools, installAndBuild, root, run, RUNTIME_TOOLS, typecheckTests } from './setup.mjs';

checkServices();
ensurePostgresConnections();
// RUNTIME_TOOLS include clickhouse: Jest's global setup starts a server of its own for the run
ensureSystemTools([...RUNTIME_TOOLS, 'nats-server', 'chromium']);
installAndBuild();
typecheckTests();
run(process.execPath, ['scripts/compose.mjs', '--check']);
run(path.join(root, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.yml', '--check']);

const report = path.join(tmpdir(), `wavegraph-jest-${process.pid}.json`);
const jest = spawnSync(
  process.execPath,
  ['node_modules/jest/bin/jest.js', '--ci', '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
let summary = 'no test report was written';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) summary = `${r.numPassedTests} passed, ${r.numFailedTestSuites} failed`;
  rmSync(report, { force: true });
} catch {
  // jest crashed before writing its report; its exit code says so
}
console.log(`\n${summary}`);
process.exit(jest.status ?? 1);

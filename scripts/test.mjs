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
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');
// the message and our own frames; Jest's and Node's frames say nothing about the failure
const excerpt = (text, lines = 24) => plain(text).split('\n').filter((line) => line.trim() && !/^\s*at .*(node_modules|node:internal)/.test(line)).slice(0, lines).map((line) => `    ${line}`).join('\n');

/** Each failure again at the very end, where a truncated log still shows it: the test, then the start of its message. */
function failures(r) {
  const out = [];
  for (const suite of r.testResults) {
    const file = path.relative(root, suite.name);
    const failed = suite.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failed) out.push(`✖ ${file} › ${test.fullName}\n${excerpt(test.failureMessages.join('\n'))}`);
    if (suite.status === 'failed' && failed.length === 0) out.push(`✖ ${file} (the file itself failed)\n${excerpt(suite.message ?? '')}`);
  }
  return out;
}

let summary = 'no test report was written';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const failed = failures(r);
  if (failed.length > 0) console.log(`\nFailures (${failed.length}):\n${failed.join('\n\n')}`);
  const skipped = r.numPendingTests + r.numTodoTests;
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) summary = `${r.numPassedTests} passed, ${r.numFailedTestSuites} failed`;
  rmSync(report, { force: true });
} catch {
  // jest crashed before writing its report; its exit code says so
}
console.log(`\n${summary}`);
process.exit(jest.status ?? 1);

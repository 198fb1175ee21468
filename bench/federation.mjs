// Wavegraph's gateway against stock @apollo/gateway + @apollo/server and Hive Gateway, in the same
// run, on the same supergraph and subgraphs (see bench/federation/): the gateway under test alone
// on core 0 (taskset), the subgraphs and the load generator on core 1. Two shapes: Wavegraph's
// own supergraph with real subgraphs and seeded data, and a synthetic one of four in-memory
// subgraphs with deep entity fan-out. Every answer is checked against stock Apollo's.
//   BENCH_SECONDS (10) per measured run, BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (3),
//   BENCH_CONNECTIONS (50), BENCH_SHAPES (wavegraph,synthetic), BENCH_OUT (a JSON file for the results),
//   BENCH_PORT (5120: the gateway under test), BENCH_PORT_OFFSET (1100: shape (a)'s stack), BENCH_STACK_NAME
//   (fedbench), BENCH_DATABASE_PREFIX (wavegraph_bench_), BENCH_REDIS_PREFIX (wgbench): to run beside another bench
import { writeFile } from 'node:fs/promises';
import { checkServices, installAndBuild } from '../scripts/setup.mjs';
import { installBenchDependencies } from './federation/install.mjs';
import { pinSelf } from './federation/proc.mjs';

const number = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const options = {
  seconds: number('BENCH_SECONDS', 10),
  warmupSeconds: number('BENCH_WARMUP_SECONDS', 3),
  rounds: Math.round(number('BENCH_ROUNDS', 3)),
  connections: Math.round(number('BENCH_CONNECTIONS', 50)),
  port: Math.round(number('BENCH_PORT', 5120)),
};
const shapes = (process.env.BENCH_SHAPES ?? 'wavegraph,synthetic').split(',').filter(Boolean);

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
installBenchDependencies();
pinSelf(1);
// imported once bench/'s own dependencies are in place
const { wavegraphShape } = await import('./federation/shape-wavegraph.mjs');
const { syntheticShape } = await import('./federation/shape-synthetic.mjs');
const { measureShape } = await import('./federation/measure.mjs');
const { markdownTable, summarize } = await import('./federation/report.mjs');
const { GATEWAYS, HIVE_FLAGS } = await import('./federation/gateways/index.mjs');
const starters = { wavegraph: wavegraphShape, synthetic: syntheticShape };

const results = { options, hiveFlags: HIVE_FLAGS, shapes: {} };
for (const id of shapes) {
  if (!starters[id]) throw new Error(`BENCH_SHAPES: unknown shape ${id} (wavegraph, synthetic)`);
  console.log(`\n▶ shape ${id}`);
  const shape = await starters[id]();
  try {
    const { rounds, answersChecked } = await measureShape(shape, options);
    results.shapes[id] = { title: shape.title, answersChecked, gateways: summarize(rounds) };
  } finally {
    await shape.stop();
  }
}

console.log(`\nGateway on core 0, subgraphs and load on core 1; ${options.connections} connections, ${options.seconds} s per run after ${options.warmupSeconds} s warm-up, medians of ${options.rounds} rounds; NODE_ENV=production; Hive Gateway flags: ${HIVE_FLAGS.join(' ')}`);
const loose = GATEWAYS.filter((g) => g.errorPathsWithoutListIndices).map((g) => g.name);
for (const [id, shape] of Object.entries(results.shapes)) {
  console.log(`\n### ${id}: ${shape.title}\n\n${markdownTable(shape.gateways)}`);
  console.log(`\n${shape.answersChecked} answers checked against stock Apollo's: same data and errors${loose.length ? ` (${loose.join(', ')}: error paths compared without list indices, see bench/federation/check.mjs)` : ''}.`);
}
if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, `${JSON.stringify(results, null, 2)}\n`);

// One shape, measured: each round starts every gateway of GATEWAYS in turn on the same port,
// against the same subgraphs, warms it up, then measures a closed-loop run (throughput, latency,
// CPU, memory, subgraph calls) and a paced run at the rate stock Apollo reached in that round.
import { ResponseCheck } from './check.mjs';
import { GATEWAYS } from './gateways/index.mjs';
import { closedLoop, paced } from './load.mjs';
import { cpuSeconds, memoryMb, stopChild } from './proc.mjs';

/** Stock Apollo's answer to each query: what every other answer must equal. */
async function referenceAnswers(port, headers, queries) {
  const checks = {};
  for (const query of queries) {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query.body });
    checks[query.name] = new ResponseCheck(query.name, res.status, await res.text());
  }
  return checks;
}

async function measureGateway(gateway, shape, options, checks, stockRate) {
  const child = await gateway.start(shape, options.port);
  try {
    const headers = shape.headers();
    checks.current ??= await referenceAnswers(options.port, headers, shape.queries);
    const queries = shape.queries.map((query) => ({ ...query, check: checks.current[query.name] }));
    const compare = { gateway: gateway.name, pathsWithoutListIndices: gateway.errorPathsWithoutListIndices === true };
    const load = { port: options.port, headers, queries, compare, connections: options.connections };
    await closedLoop({ ...load, seconds: options.warmupSeconds });
    const cpuBefore = cpuSeconds(child.pid);
    const callsBefore = await shape.calls();
    const closed = await closedLoop({ ...load, seconds: options.seconds });
    const cpu = cpuSeconds(child.pid) - cpuBefore;
    const calls = (await shape.calls()) - callsBefore;
    const memory = memoryMb(child.pid);
    const rate = stockRate ?? closed.requestsPerSecond;
    const atRate = await paced({ ...load, seconds: options.seconds, rate });
    return {
      requestsPerSecond: closed.requestsPerSecond,
      requests: closed.requests,
      p50: closed.p50,
      p99: closed.p99,
      pacedRate: rate,
      p99AtStockRate: atRate.p99,
      rssMb: memory.rssMb,
      peakRssMb: memory.peakRssMb,
      cpuSecondsPer1000: (cpu / closed.requests) * 1000,
      subgraphCallsPerRequest: calls / closed.requests,
    };
  } finally {
    await stopChild(child);
  }
}

/** `{ rounds: { gatewayId: [metrics of round 1, 2, …] }, answersChecked }` for `shape`. */
export async function measureShape(shape, options) {
  if (GATEWAYS[0].id !== 'stock') throw new Error('stock Apollo must run first in each round: it sets the reference answers and the pace');
  const rounds = Object.fromEntries(GATEWAYS.map((g) => [g.id, []]));
  const checks = {};
  for (let round = 1; round <= options.rounds; round += 1) {
    await shape.beforeRound?.();
    let stockRate;
    for (const gateway of GATEWAYS) {
      const metrics = await measureGateway(gateway, shape, options, checks, stockRate);
      if (gateway.id === 'stock') stockRate = metrics.requestsPerSecond;
      rounds[gateway.id].push(metrics);
      console.log(`  ${shape.id} round ${round}/${options.rounds} ${gateway.name}: ${metrics.requestsPerSecond.toFixed(0)} req/s, p99 ${metrics.p99.toFixed(1)} ms, p99 at ${metrics.pacedRate.toFixed(0)} req/s ${metrics.p99AtStockRate.toFixed(1)} ms, ${metrics.cpuSecondsPer1000.toFixed(2)} CPU s/1000, ${metrics.subgraphCallsPerRequest.toFixed(2)} calls/req, RSS ${metrics.rssMb.toFixed(0)} MB`);
    }
  }
  return { rounds, answersChecked: Object.values(checks.current ?? {}).reduce((sum, check) => sum + check.verified, 0) };
}

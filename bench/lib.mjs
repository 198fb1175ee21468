// Small load generator shared by the benchmarks: a fixed number of concurrent loops for a fixed
// time, each running one logical operation; reports ops/s and latency percentiles.
export async function load(name, operation, { concurrency = 16, seconds = 10, warmupSeconds = 2 } = {}) {
  const runFor = async (ms, record) => {
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          const started = process.hrtime.bigint();
          await operation();
          record?.(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  await runFor(warmupSeconds * 1000);
  const latencies = [];
  const started = Date.now();
  await runFor(seconds * 1000, (ms) => latencies.push(ms));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { name, ops: latencies.length, opsPerSec: latencies.length / elapsed, p50: pct(50), p99: pct(99) };
}

export function table(rows, baseline) {
  const lines = [`| run | ops/s | p50 ms | p99 ms | ops/s vs ${baseline.name} | p50 vs ${baseline.name} |`, '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.opsPerSec.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.opsPerSec / baseline.opsPerSec).toFixed(2)}x | ${(r.p50 / baseline.p50).toFixed(2)}x |`,
    );
  }
  return lines.join('\n');
}

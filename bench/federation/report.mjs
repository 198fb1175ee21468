// Medians over the rounds and the markdown table of one shape. Values are the rounds' medians;
// each ratio is the median over the rounds of (gateway ÷ stock Apollo in the same round).
import { GATEWAYS } from './gateways/index.mjs';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const METRICS = [
  { key: 'requestsPerSecond', title: 'req/s', digits: 0 },
  { key: 'p50', title: 'p50 ms', digits: 1 },
  { key: 'p99', title: 'p99 ms', digits: 1 },
  { key: 'p99AtStockRate', title: "p99 at stock's rate ms", digits: 1 },
  { key: 'rssMb', title: 'RSS MB', digits: 0 },
  { key: 'peakRssMb', title: 'peak RSS MB', digits: 0 },
  { key: 'cpuSecondsPer1000', title: 'CPU s/1000 req', digits: 2 },
  { key: 'subgraphCallsPerRequest', title: 'subgraph calls/req', digits: 2 },
];
const RATIOS = ['requestsPerSecond', 'p99', 'p99AtStockRate', 'rssMb', 'cpuSecondsPer1000', 'subgraphCallsPerRequest'];

/** `{ gatewayId: { name, median: {metric}, vsStock: {metric}, rounds } }` from measureShape's rounds. */
export function summarize(rounds) {
  const stock = rounds.stock;
  return Object.fromEntries(GATEWAYS.map((gateway) => {
    const own = rounds[gateway.id];
    const medians = Object.fromEntries(METRICS.map(({ key }) => [key, median(own.map((r) => r[key]))]));
    medians.pacedRate = median(own.map((r) => r.pacedRate));
    const vsStock = Object.fromEntries(RATIOS.map((key) => [key, median(own.map((r, i) => r[key] / stock[i][key]))]));
    return [gateway.id, { name: gateway.name, median: medians, vsStock, rounds: own }];
  }));
}

export function markdownTable(summary) {
  const rows = Object.values(summary);
  const ratioTitle = (key) => `${METRICS.find((m) => m.key === key).title.replace(' ms', '').replace(' MB', '')} vs stock`;
  const header = ['gateway', ...METRICS.map((m) => m.title), ...RATIOS.map(ratioTitle)];
  const lines = [`| ${header.join(' | ')} |`, `|---|${header.slice(1).map(() => '---:').join('|')}|`];
  for (const row of rows) {
    const values = METRICS.map(({ key, digits }) => row.median[key].toFixed(digits));
    const ratios = RATIOS.map((key) => `${row.vsStock[key].toFixed(2)}x`);
    lines.push(`| ${row.name} | ${[...values, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

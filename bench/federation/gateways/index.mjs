// The gateways the federation bench compares, in the order each round runs them. Stock Apollo is
// first: it is the baseline every ratio is taken against, and its request rate is the pace of
// every gateway's "p99 at stock's rate" run in the same round. A row: { id, name, start(shape,
// port) → the running child, errorPathsWithoutListIndices (the one deviation check.mjs may allow) }.
// Another Wavegraph configuration (env vars) or Hive flag set is one more row, e.g.
//   { id: 'wavegraph-entity-cache', name: 'Wavegraph, entity cache', start: wavegraph({ GATEWAY_ENTITY_CACHE: 'on' }) },
//   { id: 'hive-jit', name: 'Hive Gateway --jit', start: hive(['--jit']), errorPathsWithoutListIndices: true },
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOtlpSink } from '../otlp-sink.mjs';
import { spawnPinned, waitUntil } from '../proc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const benchModules = path.resolve(here, '../../node_modules');

/** The core the gateway under test runs on; everything else of the bench runs on the other. */
export const GATEWAY_CORE = 0;

/**
 * Hive Gateway's command-line flags besides the supergraph, port and config file (reported with
 * the results). Its defaults otherwise (one process, --fork 1; masked errors); --jit was tried on
 * the synthetic shape and did not lower its CPU per request, so it is left off.
 */
export const HIVE_FLAGS = ['--host', '127.0.0.1'];

/** A gateway is up once it answers a GraphQL request. */
async function answers(port) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  return res.ok;
}

async function started(name, child, port) {
  await waitUntil(child, () => answers(port), name);
  return child;
}

const baseEnv = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' });

const stockApollo = (shape, port) =>
  started('stock @apollo/gateway', spawnPinned(GATEWAY_CORE, [path.join(here, 'stock-apollo.mjs')], {
    cwd: root,
    env: { ...baseEnv(), SUPERGRAPH_PATH: shape.supergraphPath, PORT: String(port), ...(shape.signSecret ? { BENCH_SIGN_SECRET: shape.signSecret } : {}) },
    profile: true,
  }), port);

/** Hive Gateway's CLI with HIVE_FLAGS and `extraFlags`. */
const hive = (extraFlags = []) => (shape, port) =>
  started('Hive Gateway', spawnPinned(GATEWAY_CORE, [
    path.join(benchModules, '@graphql-hive/gateway/dist/bin.js'), 'supergraph', shape.supergraphPath,
    '--port', String(port), '--config-path', path.join(here, 'hive.config.mjs'), ...HIVE_FLAGS, ...extraFlags,
  ], {
    cwd: here,
    env: { ...baseEnv(), ...(shape.signSecret ? { BENCH_SIGN_SECRET: shape.signSecret } : {}) },
  }), port);

/** Wavegraph's gateway as in production (the shape's environment: token verification, envelopes, limits, cost, breakers), plus `extraEnv`. */
const wavegraph = (extraEnv = {}) => (shape, port) =>
  started('Wavegraph gateway', spawnPinned(GATEWAY_CORE, [path.join(root, 'gateway/dist/main.js')], {
    cwd: root,
    env: { ...baseEnv(), ...shape.wavegraphEnv, SUPERGRAPH_PATH: shape.supergraphPath, GATEWAY_PORT: String(port), ...extraEnv },
    profile: true,
  }), port);

/** Where the tracing row's gateway exports its spans. */
const otlpSink = await startOtlpSink();

const ALL_GATEWAYS = [
  { id: 'stock', name: 'stock @apollo/gateway 2.14.4', start: stockApollo },
  { id: 'wavegraph', name: 'Wavegraph', start: wavegraph() },
  // the optional entity cache (hints from the subgraphs, purged by events), measured as its own row;
  // the synthetic shape's subgraphs send no cache hints, so there it caches nothing
  { id: 'wavegraph-entity-cache', name: 'Wavegraph, entity cache', start: wavegraph({ GATEWAY_ENTITY_CACHE: 'on' }) },
  // tracing on: every request's spans (server, plan, subgraph calls) exported over OTLP to a sink
  // that keeps nothing; the plain row is tracing off, as by default
  { id: 'wavegraph-tracing', name: 'Wavegraph, tracing on', start: wavegraph({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlpSink.url }) },
  // its errors from batched entity fetches lack the item's list index in `path` (see check.mjs);
  // its HTTP executor shares identical subgraph requests in flight (deduplicateInflightRequests,
  // on by default), so with the bench's two queries on 50 connections its calls/req are low
  { id: 'hive', name: 'Hive Gateway 2.15.1', start: hive(), errorPathsWithoutListIndices: true },
];

/**
 * The rows measured: all, or those BENCH_GATEWAYS names by id (`stock,wavegraph`); stock Apollo
 * always runs, since every ratio is taken against it.
 */
const chosen = process.env.BENCH_GATEWAYS?.split(',').map((id) => id.trim()).filter(Boolean);
for (const id of chosen ?? []) if (!ALL_GATEWAYS.some((g) => g.id === id)) throw new Error(`BENCH_GATEWAYS: no gateway "${id}" (${ALL_GATEWAYS.map((g) => g.id).join(', ')})`);
export const GATEWAYS = chosen ? ALL_GATEWAYS.filter((g) => g.id === 'stock' || chosen.includes(g.id)) : ALL_GATEWAYS;

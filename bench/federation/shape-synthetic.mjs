// Shape (b): a synthetic supergraph of four small in-memory subgraphs (synthetic/) with deep
// nested entity fan-out, so the gateway, not Postgres, is the bottleneck. The main query goes
// products (topProducts) → reviews (20 products' reviews) → users (60 authors) and products
// (their 180 reviews' products) → inventory (stock and shipping, which @requires price and weight
// from products): three levels of _entities fetches with tens to hundreds of representations
// each. Every tenth request asks a field that fails for every third product (partial data).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { BENCH_GATEWAY_LIMITS } from '../lib.mjs';
import { spawnPinned, stopChild, waitUntil } from './proc.mjs';
import { SUBGRAPHS } from './synthetic/subgraphs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { dropRedisPrefix } = require(path.resolve(here, '../../packages/testkit/dist/index.js'));
const SUBGRAPH_PORTS = [5141, 5142, 5143, 5144];
const STATS_PORT = 5145;
const BENCH_CORE = 1;

const TOP_PRODUCTS = `query TopProducts {
  topProducts(first: 20) {
    upc name price
    reviews { id body author { id username reviews { id body product { upc name inStock shippingEstimate } } } }
  }
}`;
const STOCK_ALERTS = 'query StockAlerts { topProducts(first: 12) { upc name inStock stockAlert } }';

function compose() {
  const result = composeServices(SUBGRAPHS.map((s, i) => ({ name: s.name, typeDefs: s.typeDefs, url: `http://127.0.0.1:${SUBGRAPH_PORTS[i]}/graphql` })));
  if (result.errors) throw new Error(`the synthetic supergraph does not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

/** A FREE user's access token, with the claims identity puts in one (see subgraphs/identity). */
async function freeUserToken(privateKey, kid) {
  return new SignJWT({ role: 'USER', plan: 'FREE', sid: randomUUID(), iat_ms: Date.now() })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(randomUUID())
    .setIssuer('wavegraph-identity')
    .setAudience('wavegraph')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
}

export async function syntheticShape() {
  const dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-fedbench-synthetic-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  await writeFile(supergraphPath, compose());
  const kid = 'fedbench';
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  const headers = { authorization: `Bearer ${await freeUserToken(privateKey, kid)}` };
  const redisPrefix = `fedbench-synthetic-${process.pid}`;
  const subgraphs = spawnPinned(BENCH_CORE, [path.join(here, 'synthetic/serve.mjs')], {
    cwd: here,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', BENCH_SUBGRAPH_PORTS: SUBGRAPH_PORTS.join(','), BENCH_STATS_PORT: String(STATS_PORT), BENCH_JWKS: jwks },
  });
  const stop = async () => {
    await stopChild(subgraphs);
    await dropRedisPrefix(redisPrefix);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(subgraphs, async () => (await fetch(`http://127.0.0.1:${STATS_PORT}/calls`)).ok, 'synthetic subgraphs');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    id: 'synthetic',
    title: 'Synthetic supergraph, 4 in-memory subgraphs: topProducts(20) → reviews → author → reviews → product → inventory',
    supergraphPath,
    signSecret: null,
    // as in production: tokens verified against the JWKS, envelopes signed, Redis-backed rate limits and cost analysis, breakers
    wavegraphEnv: {
      LOG_LEVEL: 'warn',
      WAVEGRAPH_GATEWAY_SECRET: randomBytes(32).toString('hex'),
      REDIS_PREFIX: redisPrefix,
      JWKS_URL: `http://127.0.0.1:${STATS_PORT}/.well-known/jwks.json`,
      ...BENCH_GATEWAY_LIMITS,
    },
    queries: [
      { name: 'TopProducts', body: JSON.stringify({ query: TOP_PRODUCTS }), weight: 9 },
      { name: 'StockAlerts', body: JSON.stringify({ query: STOCK_ALERTS }), weight: 1 },
    ],
    headers: () => headers,
    calls: async () => Number(await (await fetch(`http://127.0.0.1:${STATS_PORT}/calls`)).text()),
    stop,
  };
}

// Gateway overhead: one cross-subgraph query (episodes → show → owner) through the gateway,
// against the same data fetched from the subgraphs directly (catalog, then identity _entities),
// both driven by the same load loop in the same run.
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { root, checkServices, installAndBuild } from '../scripts/setup.mjs';
import { BENCH_SECRET, graphql as post, load, startBenchStack, table } from './lib.mjs';

const require = createRequire(import.meta.url);
const { signEnvelope } = require(path.join(root, 'packages/auth/dist/index.js'));
const PAGE = Number(process.env.BENCH_PAGE ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function direct(url, query, variables) {
  const body = JSON.stringify({ query, variables });
  const headers = signEnvelope(BENCH_SECRET, { viewer: null, requestId: randomUUID(), timestamp: Date.now(), body, deadline: Date.now() + 10_000 });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = await res.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
const stack = await startBenchStack({ name: 'gateway', portOffset: 100, secret: BENCH_SECRET });
try {
  const gateway = stack.url('gateway');
  const { register } = await post(gateway, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', {
    i: { email: 'bench@example.com', handle: 'bench', displayName: 'Bench', password: 'benchmark pass' },
  });
  const auth = { authorization: `Bearer ${register.accessToken}` };
  const { createShow } = await post(gateway, 'mutation($i: CreateShowInput!) { createShow(input: $i) { id } }', { i: { slug: 'bench', title: 'Bench', category: 'NEWS', language: 'en' } }, auth);
  for (let i = 0; i < PAGE; i += 1) {
    const { createEpisode } = await post(gateway, 'mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { id } }', { i: { showId: createShow.id, title: `Episode ${i}` } }, auth);
    await post(gateway, 'mutation($id: ID!) { publishEpisode(id: $id) { id } }', { id: createEpisode.id }, auth);
  }

  const viaGateway = `{ episodes(first: ${PAGE}) { edges { node { title show { title owner { handle displayName } } } } } }`;
  const catalogQuery = `{ episodes(first: ${PAGE}) { edges { node { title show { title owner { id } } } } } }`;
  const identityQuery = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { handle displayName } } }';
  const catalogUrl = stack.url('catalog');
  const identityUrl = stack.url('identity');

  const directRun = await load('subgraphs directly', async () => {
    const data = await direct(catalogUrl, catalogQuery, {});
    // catalog answers every owner reference (nullable only for when identity cannot complete it)
    const owners = [...new Set(data.episodes.edges.map((e) => e.node.show.owner?.id).filter(Boolean))];
    await direct(identityUrl, identityQuery, { r: owners.map((id) => ({ __typename: 'User', id })) });
  }, { concurrency, seconds });
  const gatewayRun = await load('through the gateway', () => post(gateway, viaGateway), { concurrency, seconds });

  console.log(`\nCross-subgraph query, ${PAGE} episodes with show and owner; ${concurrency} concurrent clients, ${seconds}s each, NODE_ENV=production\n`);
  console.log(table([directRun, gatewayRun], directRun));
} finally {
  await stack.stop();
}

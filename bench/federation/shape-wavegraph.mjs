// Shape (a): Wavegraph's own supergraph, real subgraphs (the bench stack in production mode, its
// own databases and Redis prefix) and seeded data. The page query crosses four subgraphs with
// three levels of entity fetches below the root: catalog (episodes, show) → identity (owner),
// engagement (likes, comments), media → identity (comment authors), catalog (author's shows) →
// engagement (their follower counts). The second query asks comments with `first` out of range, so
// every episode's comments fail in engagement (BAD_USER_INPUT) beside data: same errors are checked.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SECRET, createEpisode, creator, graphql, startBenchStack } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 1100);
const CALLS_PORT_OFFSET = 50;
const SUBGRAPHS = ['identity', 'catalog', 'engagement', 'discovery', 'media', 'notifications'];
const EPISODES = 50;
const COMMENTERS = 3;
const PASSWORD = 'benchmark pass';

const PAGE = `query EpisodePage {
  episodes(first: ${EPISODES}) {
    edges { node {
      id title publishedAt
      show { title owner { handle displayName } }
      likeCount commentCount
      comments(first: 5) { edges { node { body author { handle displayName shows(first: 2) { edges { node { title followerCount } } } } } } }
      media { status }
    } }
  }
}`;
const OUT_OF_RANGE = `query CommentsOutOfRange {
  episodes(first: 5) { edges { node { id title likeCount comments(first: 101) { edges { node { body } } } } } }
}`;

/** Retries while the subgraphs catch up with the events of what was just created (an episode published, say). */
async function eventually(fn, tries = 100) {
  for (let i = 1; ; i += 1) {
    try {
      return await fn();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function register(gateway, handle) {
  const { register: payload } = await graphql(gateway, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', {
    i: { email: `${handle}@example.com`, handle, displayName: `Listener ${handle}`, password: PASSWORD },
  });
  return { authorization: `Bearer ${payload.accessToken}` };
}

async function seed(gateway) {
  const owner = await creator(gateway, 'fedbench_creator');
  const commenters = [];
  for (let i = 0; i < COMMENTERS; i += 1) commenters.push(await register(gateway, `fedbench_listener${i}`));
  const ids = [];
  for (let i = 0; i < EPISODES; i += 1) {
    const id = await createEpisode(owner, `Episode ${i}`);
    await graphql(gateway, 'mutation($id: ID!) { publishEpisode(id: $id) { id } }', { id }, owner.auth);
    ids.push(id);
  }
  // engagement accepts likes and comments once it has heard of the publication
  await Promise.all(ids.map(async (episodeId, i) => {
    for (const [n, auth] of commenters.entries()) {
      if ((i + n) % 2 === 0) await eventually(() => graphql(gateway, 'mutation($e: ID!) { likeEpisode(episodeId: $e) { id } }', { e: episodeId }, auth));
      for (let c = 0; c < (i + n) % 3; c += 1) {
        await eventually(() => graphql(gateway, 'mutation($e: ID!, $b: String!) { postComment(episodeId: $e, body: $b) { id } }', { e: episodeId, b: `Comment ${c} on ${i}` }, auth));
      }
    }
  }));
}

/** Starts the stack, seeds it and describes the shape for runShape. */
export async function wavegraphShape() {
  const stack = await startBenchStack({
    // BENCH_STACK_NAME: its databases, Redis prefix and temp dir, apart from another run's
    name: process.env.BENCH_STACK_NAME ?? 'fedbench',
    portOffset: PORT_OFFSET,
    secret: BENCH_SECRET,
    subgraphEnv: { NODE_OPTIONS: `--require ${path.join(root, 'bench/support/count-graphql-calls.cjs')}`, BENCH_CALLS_PORT_OFFSET: String(CALLS_PORT_OFFSET) },
  });
  try {
    const gateway = stack.url('gateway');
    await seed(gateway);
    // the baselines read the subgraphs' addresses from the supergraph: this stack's
    let sdl = await readFile(path.join(root, 'schema/supergraph.graphql'), 'utf8');
    for (const name of SUBGRAPHS) sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*`), `$1${stack.url(name)}`);
    const supergraphPath = path.join(stack.dir, 'supergraph.graphql');
    await writeFile(supergraphPath, sdl);
    const listener = { email: 'fedbench_listener@example.com' };
    await register(gateway, 'fedbench_listener');
    let headers = {};
    const ports = SUBGRAPHS.map((name) => Number(new URL(stack.url(name)).port) + CALLS_PORT_OFFSET);
    return {
      id: 'wavegraph',
      title: `Wavegraph's supergraph, real subgraphs: a page of ${EPISODES} episodes with show, owner, counts, comments, authors and their shows`,
      supergraphPath,
      signSecret: BENCH_SECRET,
      wavegraphEnv: stack.env,
      queries: [
        { name: 'EpisodePage', body: JSON.stringify({ query: PAGE }), weight: 9 },
        { name: 'CommentsOutOfRange', body: JSON.stringify({ query: OUT_OF_RANGE }), weight: 1 },
      ],
      /** A fresh access token for every round: they live 15 minutes at most. */
      async beforeRound() {
        const { login } = await graphql(gateway, 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { ...listener, password: PASSWORD } });
        headers = { authorization: `Bearer ${login.accessToken}` };
      },
      headers: () => headers,
      async calls() {
        const counts = await Promise.all(ports.map(async (port) => Number(await (await fetch(`http://127.0.0.1:${port}/`)).text())));
        return counts.reduce((a, b) => a + b, 0);
      },
      stop: () => stack.stop(),
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

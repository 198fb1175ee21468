import { readdirSync, readFileSync } from 'node:fs';
import { postGraphQL } from './support/graphql';
import { services, startNpmStart, until, type NpmStart } from './support/npm-start';

// beside a developer's stack (4000…) and the other scenario stacks
const PORT_OFFSET = 2400;

/** The processes `parent` started, by the entry point in their command line (from /proc). */
function childPids(parent: number, entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(entry))) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const EPISODES = '{ episodes(first: 1) { edges { node { id } } } }';

/**
 * `npm start` (scripts/up.mjs) supervises its processes: a subgraph killed with SIGKILL comes
 * back while the rest of the stack keeps serving, and Ctrl-C still stops everything in order.
 */
describe('npm start supervision', () => {
  let stack: NpmStart;
  let up: NpmStart['up'];
  let gatewayUrl: string;
  let exit: Promise<number | null>;
  const output = () => stack.output();

  beforeAll(async () => {
    stack = await startNpmStart('sup', PORT_OFFSET);
    ({ up, gatewayUrl, exit } = stack);
  }, 180_000);

  afterAll(() => stack?.stop(), 60_000);

  it('brings a subgraph killed with SIGKILL back, and the stack keeps serving meanwhile', async () => {
    const before = await postGraphQL(gatewayUrl, EPISODES);
    expect(before.body).toEqual({ data: { episodes: { edges: [] } } });
    const [catalog] = childPids(up.pid!, 'subgraphs/catalog/dist/main.js');
    const [gateway] = childPids(up.pid!, 'gateway/dist/main.js');
    expect(catalog).toBeGreaterThan(0);
    expect(gateway).toBeGreaterThan(0);

    process.kill(catalog, 'SIGKILL');
    await until('the restart to be logged', () => (/↻ catalog exited \(SIGKILL\) after [\d.]+ s; restart 1 in [\d.]+ s/.test(output()) ? true : undefined), 10_000);

    // catalog is away (its restart waits out the backoff, then migrates): the gateway says so, located
    const during = await postGraphQL(gatewayUrl, EPISODES);
    expect(during.status).toBe(200);
    expect(during.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);

    // the gateway and identity keep answering while catalog is away
    const register = await postGraphQL(gatewayUrl, 'mutation ($input: RegisterInput!) { register(input: $input) { user { handle } } }', {
      variables: { input: { email: 'sup@example.com', handle: 'sup', displayName: 'Sup', password: 'supervised pass' } },
    });
    expect(register.body).toEqual({ data: { register: { user: { handle: 'sup' } } } });

    // catalog comes back as a new process and answers through the gateway again
    const answer = await until(
      'catalog to answer through the gateway',
      async () => {
        const res = await postGraphQL(gatewayUrl, EPISODES);
        return res.body.errors ? undefined : res.body;
      },
      60_000,
    );
    expect(answer).toEqual({ data: { episodes: { edges: [] } } });
    const [restarted] = childPids(up.pid!, 'subgraphs/catalog/dist/main.js');
    expect(restarted).toBeGreaterThan(0);
    expect(restarted).not.toBe(catalog);
    expect(alive(catalog)).toBe(false);
    expect(output()).toMatch(/✔ catalog is back \(ready [\d.]+ s after its restart\)/);
    // nothing else was restarted: the same gateway process served throughout
    expect(childPids(up.pid!, 'gateway/dist/main.js')).toEqual([gateway]);
    expect(output().match(/↻ /g)).toHaveLength(1);
  }, 90_000);

  it('serves the built web app on 4173 + offset, pointed at its gateway and allowed by its CORS', async () => {
    const web = `http://127.0.0.1:${4173 + PORT_OFFSET}`;
    expect(output()).toContain(`Web app (creator studio and listener): http://localhost:${4173 + PORT_OFFSET}`);
    const page = await fetch(`${web}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    expect(await (await fetch(`${web}/config.js`)).text()).toContain(JSON.stringify({ gatewayUrl: `http://localhost:${services.gateway.port + PORT_OFFSET}/graphql` }));
    const preflight = await fetch(gatewayUrl, { method: 'OPTIONS', headers: { origin: web, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(web);
  });

  it('stops everything on Ctrl-C, the gateway first, then the workers, then the subgraphs', async () => {
    const pids = ['gateway/dist/main.js', 'dist/worker.js', 'dist/main.js'].flatMap((entry) => childPids(up.pid!, entry));
    expect(new Set(pids).size).toBe(services.subgraphs.length + services.workers.length + 1);
    up.kill('SIGINT');
    expect(await exit).toBe(0);
    const order = [...output().matchAll(/■ stopping (.+)/g)].map((m) => m[1]);
    expect(order).toEqual(['gateway', services.workers.map((s) => s.name).join(', '), services.subgraphs.map((s) => s.name).join(', ')]);
    expect(output()).toContain('Wavegraph stopped.');
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});

// Live updates at scale: N subscribers (20,000 by default) to commentAdded through the gateway,
// selecting fields of three subgraphs. The baseline, in the same run, is engagement delivering
// the same events to subscribers of its own, at BENCH_BASELINE_SUBSCRIBERS (2,000: engagement
// runs its resolver per subscriber and cannot serve 20,000), beside the gateway at that size.
// Reports delivery latency from the start of the postComment mutation to receipt (p50/p99 over
// every delivery), the fan-out alone (each receipt after the first receipt of the same comment,
// p50/p99), deliveries per second, the CPU time the delivering process spent per delivery
// (what the fan-out costs however busy the machine is; it includes the process's part in the
// mutation and the completion), and its resident memory before the subscribers connect, with
// them connected, after the events, and per 1,000 subscribers.
//
// The subscribers live in BENCH_CLIENTS load processes (bench/subscribers.mjs), each connecting
// from its own loopback address (127.0.0.2, .3, …) so no one source address runs out of ephemeral
// ports. With BENCH_PIN (on where there are two cores or more) the delivering processes run on
// core 0 and the load processes on the others, so the clients' own work does not queue behind
// the fan-out measured. The bench raises its open-files limit (the stack inherits it); where the
// hard limit cannot be raised and one process cannot hold a socket per subscriber, subscribers
// share connections (several subscriptions per graphql-ws connection, as a UI with several live
// views does) and the table's connections column says so.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checkServices, installAndBuild } from '../scripts/setup.mjs';

/** The open-files limit asked for: a socket per subscriber, and room for the rest. */
const WANTED_OPEN_FILES = 100_000;
if (!process.env.WAVEGRAPH_BENCH_LIMITS) {
  // raise the soft limit to WANTED_OPEN_FILES, or as far as the hard limit allows, then run again under it
  const script = `ulimit -n ${WANTED_OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const run = spawnSync('bash', ['-c', script, process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, WAVEGRAPH_BENCH_LIMITS: '1' },
  });
  process.exit(run.status ?? 1);
}

const { BENCH_SECRET, createEpisode, creator, graphql, percentile, startBenchStack } = await import('./lib.mjs');

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 20_000);
/**
 * The baseline's size: engagement runs its resolver once per subscriber and event, and at 20,000
 * direct subscribers it falls so far behind that its mutations time out, so the baseline (and the
 * gateway beside it, for the ratio at equal size) runs at this many.
 */
const BASELINE_SUBSCRIBERS = Number(process.env.BENCH_BASELINE_SUBSCRIBERS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// 2 comments/s is the target rate; at 20,000 subscribers 20/s would be 400,000 deliveries a second
// from one process, so that row is for smaller runs (BENCH_SUBSCRIBERS=2000 BENCH_RATES=2,20)
const RATES = (process.env.BENCH_RATES ?? '2').split(',').map(Number);
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 400);
const CORES = cpus().length;
const PIN = (process.env.BENCH_PIN ?? (CORES >= 2 ? '1' : '0')) === '1' && spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
/** What is measured, in order: engagement's own subscribers, the gateway at the same size, then the gateway at full size. */
const PHASES = [
  { path: 'direct', subscribers: Math.min(BASELINE_SUBSCRIBERS, SUBSCRIBERS) },
  { path: 'gateway', subscribers: Math.min(BASELINE_SUBSCRIBERS, SUBSCRIBERS) },
  { path: 'gateway', subscribers: SUBSCRIBERS },
  // BENCH_BASELINE_SUBSCRIBERS=0 measures the gateway at full size only
].filter((phase, i, all) => phase.subscribers > 0 && (i === 0 || phase.subscribers !== all[i - 1].subscribers || phase.path !== all[i - 1].path));

const THROUGH_GATEWAY = `subscription($e: ID!) { commentAdded(episodeId: $e) { id body author { handle } episode { title likeCount } } }`;
// what engagement alone can answer: the same comment, with references where the gateway fills in fields
const DIRECT = `subscription($e: ID!) { commentAdded(episodeId: $e) { id body author { id } episode { id likeCount } } }`;
const POST = 'mutation($e: ID!, $b: String!) { postComment(episodeId: $e, body: $b) { id } }';

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
/** CPU time the process has used, user and system, in ms (clock ticks of 10 ms). */
const cpuMs = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((sum, ticks) => sum + Number(ticks) * 10, 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The same clock as the load processes' receipts. */
const now = () => performance.timeOrigin + performance.now();
const openFilesLimit = () => Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))[1]);

// every process keeps a few hundred descriptors for itself (listeners, pools, Redis, Postgres)
const RESERVED_FILES = 500;
/** Subscriptions per connection for `subscribers`: one, unless the open-files limit cannot hold that many sockets. */
const perConnection = (subscribers) => Number(process.env.BENCH_SUBSCRIPTIONS_PER_CONNECTION ?? Math.max(1, Math.ceil(subscribers / (openFilesLimit() - RESERVED_FILES))));
for (const { subscribers } of PHASES) {
  if (subscribers % perConnection(subscribers) !== 0) throw new Error(`${subscribers} subscribers do not split into connections of ${perConnection(subscribers)} subscriptions`);
}
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? Math.max(2, Math.ceil(SUBSCRIBERS / perConnection(SUBSCRIBERS) / 10_000)));

const pin = (pid, cores) => {
  if (PIN) spawnSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
};

/** The load processes, sharing the connections of each phase. */
function startClients() {
  const clientCores = CORES > 1 ? `1-${CORES - 1}` : '0';
  const children = Array.from({ length: CLIENTS }, () => {
    const argv = [process.execPath, fileURLToPath(new URL('subscribers.mjs', import.meta.url))];
    const [command, ...args] = PIN ? ['taskset', '-c', clientCores, ...argv] : argv;
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BENCH_SECRET } });
    child.on('exit', (code) => {
      if (code !== 0 && !stopped) {
        console.error(`✖ a subscriber process exited with ${code}`);
        process.exitCode = 1;
      }
    });
    return child;
  });
  let stopped = false;
  const reply = (child, type) => new Promise((resolve) => {
    const on = (message) => {
      if (message.type !== type) return;
      child.off('message', on);
      resolve(message);
    };
    child.on('message', on);
  });
  const all = (command, type) => Promise.all(children.map((child) => {
    const answer = reply(child, type);
    child.send(command);
    return answer;
  }));
  return {
    children,
    all,
    /** CPU time of every load process together, in ms. */
    cpuMs: () => children.reduce((sum, child) => sum + cpuMs(child.pid), 0),
    stop: () => {
      stopped = true;
      children.forEach((child) => child.kill());
    },
  };
}

/**
 * Opens the subscribers of one path, makes sure every one is live, measures each rate, and
 * reads the delivering process's memory before, connected and after.
 */
async function measurePath(name, subscribers, pid, clients, open, post) {
  const before = rssMb(pid);
  const started = performance.now();
  const each = perConnection(subscribers);
  const connections = subscribers / each;
  await Promise.all(clients.children.map((child, i) => {
    const share = Math.floor(connections / CLIENTS) + (i < connections % CLIENTS ? 1 : 0);
    const opened = new Promise((resolve) => child.on('message', function on(message) {
      if (message.type === 'opened') resolve(child.off('message', on));
    }));
    child.send({ type: 'open', perConnection: each, connections: share, localAddress: `127.0.0.${2 + i}`, ...open });
    return opened;
  }));
  const connectSeconds = (performance.now() - started) / 1000;
  console.error(`${name}: ${subscribers} subscribers connected in ${connectSeconds.toFixed(0)} s`);
  // every subscriber is live once each has received one comment
  let live = false;
  const allLive = Promise.all(clients.children.map((child) => new Promise((resolve) => {
    const on = (message) => message.type === 'live' && (child.off('message', on), resolve());
    child.on('message', on);
  }))).then(() => (live = true));
  for (let attempt = 0; !live; attempt += 1) {
    if (attempt % 50 === 0) await post(`warmup ${attempt}`);
    await sleep(100);
    if (attempt > 1200) throw new Error(`${name}: not every subscriber is live after two minutes`);
  }
  await allLive;
  await sleep(1000); // the stragglers' warm-ups are out of the way
  const connected = rssMb(pid);
  console.error(`${name}: every subscriber is live; ${(connected - before).toFixed(0)} MB more resident memory`);
  const rows = [];
  for (const rate of RATES) rows.push(await measureRate(name, subscribers, rate, clients, post, pid));
  const after = rssMb(pid);
  await clients.all({ type: 'close' }, 'closed');
  await sleep(2000);
  return { name, subscribers, connections, rows, memory: { before, connected, after }, connectSeconds };
}

/** Posts comments at a steady rate and measures every delivery of each to the subscribers. */
async function measureRate(name, subscribers, rate, clients, post, pid) {
  const events = Math.max(1, Math.round(rate * SECONDS));
  const expected = events * subscribers;
  let received = 0;
  const counts = clients.children.map(() => 0);
  const listeners = clients.children.map((child, i) => {
    const on = (message) => {
      if (message.type !== 'progress') return;
      counts[i] = message.received;
      received = counts.reduce((a, b) => a + b, 0);
    };
    child.on('message', on);
    return on;
  });
  clients.children.forEach((child) => child.send({ type: 'measure' }));
  await sleep(200);
  const sentAt = new Map();
  const posts = [];
  let failedPosts = 0;
  const first = now();
  const cpuBefore = cpuMs(pid);
  const clientCpuBefore = clients.cpuMs();
  for (let i = 0; i < events; i += 1) {
    const body = `event ${i} ${randomUUID()}`;
    sentAt.set(body, now());
    // a comment that was not posted is counted (its deliveries are missing), not fatal: the row still says what happened
    posts.push(post(body).catch((error) => {
      failedPosts += 1;
      sentAt.delete(body);
      console.error(`${name}, ${rate}/s: posting a comment failed: ${error.message}`);
    }));
    await sleep(1000 / rate);
  }
  await Promise.all(posts);
  const deliverable = (events - failedPosts) * subscribers;
  for (let waited = 0; received < deliverable && waited < 60_000; waited += 100) await sleep(100);
  const cpu = cpuMs(pid) - cpuBefore;
  const clientCpu = clients.cpuMs() - clientCpuBefore;
  await sleep(300); // the last progress report
  clients.children.forEach((child, i) => child.off('message', listeners[i]));
  const answers = await clients.all({ type: 'collect' }, 'receipts');
  const latencies = [];
  // the fan-out alone: each receipt after the first receipt of the same comment
  const firstReceipt = new Map();
  for (const { receipts } of answers) {
    for (const [body, times] of Object.entries(receipts)) {
      for (const t of times) if (!(firstReceipt.get(body) <= t)) firstReceipt.set(body, t);
    }
  }
  const spreads = [];
  let last = first;
  for (const { receipts } of answers) {
    for (const [body, times] of Object.entries(receipts)) {
      const sent = sentAt.get(body);
      if (sent === undefined) continue;
      for (const t of times) {
        latencies.push(t - sent);
        spreads.push(t - firstReceipt.get(body));
        if (t > last) last = t;
      }
    }
  }
  latencies.sort((a, b) => a - b);
  spreads.sort((a, b) => a - b);
  console.error(`${name}, ${rate} comments/s: ${latencies.length}/${expected} delivered, p50 ${percentile(latencies, 50)?.toFixed(1)} ms, p99 ${percentile(latencies, 99)?.toFixed(1)} ms`);
  return { name, subscribers, rate, spreadP50: percentile(spreads, 50), spreadP99: percentile(spreads, 99), cpuPerDelivery: (cpu * 1000) / latencies.length, clientCpuPerDelivery: (clientCpu * 1000) / latencies.length, delivered: latencies.length, expected, perSecond: latencies.length / ((last - first) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
const stack = await startBenchStack({ name: 'subscriptions', portOffset: PORT_OFFSET, secret: BENCH_SECRET });
const clients = startClients();
try {
  const gateway = stack.url('gateway');
  const pids = { gateway: stack.pid('gateway'), direct: stack.pid('engagement') };
  // the processes that fan out on core 0, the clients on the others
  pin(pids.gateway, '0');
  pin(pids.direct, '0');
  const author = await creator(gateway, 'bench_live');
  const episodeId = await createEpisode(author, 'Live');
  await graphql(gateway, 'mutation($id: ID!) { publishEpisode(id: $id) { id } }', { id: episodeId }, author.auth);
  const post = (body) => graphql(gateway, POST, { e: episodeId, b: body }, author.auth);
  // engagement accepts comments once it has learned of the publication
  for (let tries = 0; ; tries += 1) {
    try {
      await post('hello');
      break;
    } catch (error) {
      if (tries > 100) throw error;
      await sleep(100);
    }
  }

  const results = [];
  for (const phase of PHASES) {
    const direct = phase.path === 'direct';
    const name = direct ? 'engagement directly (baseline)' : 'through the gateway';
    const open = { url: direct ? stack.url('engagement') : gateway, mode: phase.path, query: direct ? DIRECT : THROUGH_GATEWAY, variables: { e: episodeId } };
    results.push(await measurePath(name, phase.subscribers, direct ? pids.direct : pids.gateway, clients, open, post));
  }

  const baseline = results[0];
  // other work on the machine takes cores from the processes measured: latencies say how busy it was, CPU per delivery less so
  const load = loadavg()[2].toFixed(1);
  const limit = openFilesLimit();
  console.log(`\nComments posted for ${SECONDS} s at each rate; subscribers in ${CLIENTS} load processes${PIN ? ' (delivering process on core 0, load on the others)' : ''}; open-files limit ${limit}${limit < WANTED_OPEN_FILES ? ' (could not be raised)' : ''}; load average ${load} on ${CORES} cores over the last 15 min; NODE_ENV=production\n`);
  console.log(`| subscribers | connections | comments/s | delivered by | deliveries | p50 ms | p99 ms | deliveries/s | p50 vs baseline | p99 vs baseline | fan-out p50 ms | fan-out p99 ms | CPU µs per delivery | load processes' CPU µs per delivery |`);
  console.log('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const p of results) {
    p.rows.forEach((r, i) => {
      const base = baseline.rows[i];
      console.log(`| ${p.subscribers} | ${p.connections} | ${r.rate} | ${r.name} | ${r.delivered}/${r.expected} | ${r.p50?.toFixed(1)} | ${r.p99?.toFixed(1)} | ${r.perSecond.toFixed(0)} | ${(r.p50 / base.p50).toFixed(2)}x | ${(r.p99 / base.p99).toFixed(2)}x | ${r.spreadP50?.toFixed(1)} | ${r.spreadP99?.toFixed(1)} | ${r.cpuPerDelivery.toFixed(1)} | ${r.clientCpuPerDelivery.toFixed(1)} |`);
    });
  }
  console.log('\n| resident memory (MB) | subscribers | before | subscribers connected | after the events | per 1,000 subscribers | connecting took |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const p of results) {
    const { before, connected, after } = p.memory;
    console.log(`| ${p.name} | ${p.subscribers} | ${before.toFixed(0)} | ${connected.toFixed(0)} | ${after.toFixed(0)} | ${((connected - before) / (p.subscribers / 1000)).toFixed(1)} | ${p.connectSeconds.toFixed(0)} s |`);
  }
  if (results.some((p) => p.rows.some((r) => r.delivered < r.expected))) process.exitCode = 1;
} finally {
  clients.stop();
  await stack.stop();
}

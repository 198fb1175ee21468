// Live updates at scale: N subscribers (2000 by default) to commentAdded through the gateway,
// selecting fields of three subgraphs, against the same events delivered by engagement directly
// to N subscribers of its own, in the same run. Reports delivery latency from the start of the
// postComment mutation to receipt (p50/p99 over every delivery), deliveries per second, and the
// gateway's resident memory idle, with the subscribers connected, and after the events.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { root, checkServices, installAndBuild } from '../scripts/setup.mjs';
import { BENCH_SECRET, createEpisode, creator, graphql, percentile, startBenchStack } from './lib.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require(path.join(root, 'gateway/node_modules/ws'));
const { signEnvelope, operationBody, OPERATION_ENVELOPE_EXTENSION } = require(path.join(root, 'packages/auth/dist/index.js'));
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// a gentle rate both paths keep up with, then one where every subscriber gets 20 events a second
const RATES = (process.env.BENCH_RATES ?? '2,20').split(',').map(Number);

const THROUGH_GATEWAY = `subscription($e: ID!) { commentAdded(episodeId: $e) { id body author { handle } episode { title likeCount } } }`;
// what engagement alone can answer: the same comment, with references where the gateway fills in fields
const DIRECT = `subscription($e: ID!) { commentAdded(episodeId: $e) { id body author { id } episode { id likeCount } } }`;
const POST = 'mutation($e: ID!, $b: String!) { postComment(episodeId: $e, body: $b) { id } }';

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * N graphql-transport-ws connections, one subscription each, opened 100 at a time. Each received
 * comment body carries the id of the mutation that posted it; `onEvent(sentId)` runs per delivery.
 */
async function openSubscribers(url, query, variables, connectionParams, onEvent, extensions = () => undefined) {
  const sockets = [];
  const openOne = () =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      socket.on('error', reject);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams() })));
      socket.on('message', (raw) => {
        const message = JSON.parse(raw);
        if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables, extensions: extensions() } }));
          resolve(socket);
        } else if (message.type === 'next') {
          if (message.payload.errors) throw new Error(JSON.stringify(message.payload.errors));
          onEvent(message.payload.data.commentAdded.body);
        } else if (message.type === 'error') {
          reject(new Error(JSON.stringify(message.payload)));
        }
      });
      socket.on('close', (code) => code !== 1000 && code !== 1005 && reject(new Error(`closed with ${code}`)));
    });
  for (let i = 0; i < SUBSCRIBERS; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, openOne))));
  return { close: () => sockets.forEach((socket) => socket.close(1000)) };
}

/** Posts comments at a steady rate and measures every delivery of each to the subscribers. */
async function measure(name, rate, gateway, author, episodeId, subscribe) {
  const events = Math.max(1, Math.round(rate * SECONDS));
  const sentAt = new Map();
  const latencies = [];
  let lastReceipt = 0;
  let warmups = 0;
  const subscribers = await subscribe((body) => {
    const now = performance.now();
    if (body.startsWith('warmup')) {
      warmups += 1;
      return;
    }
    latencies.push(now - sentAt.get(body));
    lastReceipt = now;
  });
  // every subscriber is live once each has received one comment
  for (let attempt = 0; warmups < SUBSCRIBERS; attempt += 1) {
    if (attempt % 50 === 0) await graphql(gateway, POST, { e: episodeId, b: `warmup ${attempt}` }, author.auth);
    await sleep(100);
    if (attempt > 600) throw new Error(`${name}: only ${warmups} of ${SUBSCRIBERS} subscribers are live`);
  }
  warmups = -Infinity; // later warm-ups reaching the stragglers are ignored
  const connectedRss = rssOf();
  const started = performance.now();
  const posts = [];
  for (let i = 0; i < events; i += 1) {
    const body = `event ${i} ${randomUUID()}`;
    sentAt.set(body, performance.now());
    posts.push(graphql(gateway, POST, { e: episodeId, b: body }, author.auth));
    await sleep(1000 / rate);
  }
  await Promise.all(posts);
  const expected = events * SUBSCRIBERS;
  for (let waited = 0; latencies.length < expected && waited < 60_000; waited += 50) await sleep(50);
  const afterRss = rssOf();
  subscribers.close();
  latencies.sort((a, b) => a - b);
  return {
    name,
    rate,
    delivered: latencies.length,
    expected,
    perSecond: latencies.length / ((lastReceipt - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    connectedRss,
    afterRss,
  };
}

let rssOf = () => 0;

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
const stack = await startBenchStack({ name: 'subscriptions', portOffset: 400, secret: BENCH_SECRET });
try {
  const gateway = stack.url('gateway');
  const gatewayPid = stack.pid('gateway');
  const engagementPid = stack.pid('engagement');
  const author = await creator(gateway, 'bench_live');
  const episodeId = await createEpisode(author, 'Live');
  await graphql(gateway, 'mutation($id: ID!) { publishEpisode(id: $id) { id } }', { id: episodeId }, author.auth);
  // engagement accepts comments once it has learned of the publication
  for (let tries = 0; ; tries += 1) {
    try {
      await graphql(gateway, POST, { e: episodeId, b: 'hello' }, author.auth);
      break;
    } catch (error) {
      if (tries > 100) throw error;
      await sleep(100);
    }
  }
  const idle = { gateway: rssMb(gatewayPid), engagement: rssMb(engagementPid) };

  const rows = [];
  for (const rate of RATES) {
    rssOf = () => rssMb(engagementPid);
    const direct = await measure('engagement directly (baseline)', rate, gateway, author, episodeId, (onEvent) =>
      openSubscribers(
        stack.url('engagement'),
        DIRECT,
        { e: episodeId },
        () => signEnvelope(BENCH_SECRET, { viewer: null, requestId: randomUUID(), timestamp: Date.now(), body: '' }),
        onEvent,
        // a subgraph runs a subscribe message only when it is signed over its operation, like the gateway signs it
        () => ({ [OPERATION_ENVELOPE_EXTENSION]: signEnvelope(BENCH_SECRET, { viewer: null, requestId: randomUUID(), timestamp: Date.now(), body: operationBody(DIRECT, { e: episodeId }) }) }),
      ),
    );
    await sleep(2000);
    rssOf = () => rssMb(gatewayPid);
    const federated = await measure('through the gateway', rate, gateway, author, episodeId, (onEvent) => openSubscribers(gateway, THROUGH_GATEWAY, { e: episodeId }, () => ({}), onEvent));
    await sleep(2000);
    rows.push([direct, federated]);
  }

  console.log(`\n${SUBSCRIBERS} subscribers, comments posted for ${SECONDS} s at each rate (NODE_ENV=production)\n`);
  console.log('| comments/s | delivered by | deliveries | p50 ms | p99 ms | deliveries/s | p50 vs direct | p99 vs direct | deliveries/s vs direct |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [direct, federated] of rows) {
    for (const r of [direct, federated]) {
      console.log(
        `| ${r.rate} | ${r.name} | ${r.delivered}/${r.expected} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.perSecond.toFixed(0)} | ${(r.p50 / direct.p50).toFixed(2)}x | ${(r.p99 / direct.p99).toFixed(2)}x | ${(r.perSecond / direct.perSecond).toFixed(2)}x |`,
      );
    }
  }
  console.log('\n| resident memory (MB) | idle | subscribers connected | after the events |');
  console.log('|---|---:|---:|---:|');
  for (const [direct, federated] of rows) {
    console.log(`| engagement, ${direct.rate} comments/s to direct subscribers | ${idle.engagement.toFixed(0)} | ${direct.connectedRss.toFixed(0)} | ${direct.afterRss.toFixed(0)} |`);
    console.log(`| gateway, ${federated.rate} comments/s to federated subscribers | ${idle.gateway.toFixed(0)} | ${federated.connectedRss.toFixed(0)} | ${federated.afterRss.toFixed(0)} |`);
  }
  if (rows.flat().some((r) => r.delivered < r.expected)) process.exitCode = 1;
} finally {
  await stack.stop();
}

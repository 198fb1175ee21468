// One load process of bench/subscriptions.mjs: holds its share of the graphql-ws subscribers and
// records when each event reaches each of them. Several of these share the client side, so no one
// process's event loop (or open-files limit) decides the latency measured. Driven over IPC:
//   { type: 'open', url, mode, query, variables, connections, perConnection, localAddress } -> { type: 'opened' }
//   { type: 'measure' } -> starts recording, then { type: 'progress', received } every 200 ms
//   { type: 'collect' } -> { type: 'receipts', receipts: { [body]: number[] } }, times on the common clock
//   { type: 'close' } -> { type: 'closed' }
// Warm-up comments (body "warmup …") count towards { type: 'live', subscribers } once per subscriber.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWebSocket } from './support/ws-client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { signEnvelope, operationBody, OPERATION_ENVELOPE_EXTENSION } = require(path.join(root, 'packages/auth/dist/index.js'));
const SECRET = process.env.BENCH_SECRET;

/** Milliseconds on a clock every process of the machine shares (the parent compares with it). */
const now = () => performance.timeOrigin + performance.now();
const send = (message) => process.send(message);

let sockets = [];
let recording = false;
let received = 0;
let receipts = new Map();
let live = 0;
let progress;

// a subgraph accepts a connection and each subscribe message only when the gateway signed them
const directParams = () => signEnvelope(SECRET, { viewer: null, requestId: randomUUID(), timestamp: Date.now(), body: '' });
const directExtensions = (query, variables) => ({
  [OPERATION_ENVELOPE_EXTENSION]: signEnvelope(SECRET, { viewer: null, requestId: randomUUID(), timestamp: Date.now(), body: operationBody(query, variables) }),
});

/** The comment body of a `next` message, read without parsing the whole message (the client's cost stays small). */
function bodyOf(text) {
  const at = text.indexOf('"body":"');
  if (at < 0) return undefined;
  return text.slice(at + 8, text.indexOf('"', at + 8));
}

function onNext(socket, id, text) {
  if (text.includes('"errors"')) throw new Error(`subscription error: ${text}`);
  const body = bodyOf(text);
  if (body === undefined) throw new Error(`unexpected event: ${text}`);
  if (body.startsWith('warmup')) {
    const key = `${id}`;
    const seen = (socket.warmedUp ??= new Set());
    if (!seen.has(key)) {
      seen.add(key);
      live += 1;
    }
    return;
  }
  if (!recording) return;
  const t = now();
  let times = receipts.get(body);
  if (!times) receipts.set(body, (times = []));
  times.push(t);
  received += 1;
}

async function openOne({ url, mode, query, variables, perConnection, localAddress }) {
  let acked;
  const ready = new Promise((resolve, reject) => (acked = { resolve, reject }));
  const socket = await openWebSocket(url.replace(/^http/, 'ws'), {
    protocol: 'graphql-transport-ws',
    localAddress,
    onText: (text) => {
      if (text.startsWith('{"id"') && text.includes('"type":"next"')) return onNext(socket, text.slice(7, text.indexOf('"', 7)), text);
      const message = JSON.parse(text);
      if (message.type === 'connection_ack') {
        for (let i = 1; i <= perConnection; i += 1) {
          const extensions = mode === 'direct' ? directExtensions(query, variables) : undefined;
          socket.sendText(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query, variables, extensions } }));
        }
        acked.resolve(socket);
      } else if (message.type === 'next') {
        onNext(socket, message.id, text);
      } else if (message.type === 'error') {
        acked.reject(new Error(JSON.stringify(message.payload)));
      } else if (message.type === 'ping') {
        socket.sendText(JSON.stringify({ type: 'pong' }));
      }
    },
    onClose: (code) => {
      if (code !== 1000 && code !== 1005 && !closing) {
        console.error(`subscriber closed with ${code}`);
        process.exit(1);
      }
    },
  });
  socket.sendText(JSON.stringify({ type: 'connection_init', payload: mode === 'direct' ? directParams() : {} }));
  return ready;
}

let closing = false;

async function open(command) {
  const BATCH = 200; // connections being set up at once: a burst of thousands would only queue in the backlog
  closing = false;
  live = 0;
  for (let i = 0; i < command.connections; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, command.connections - i) }, () => openOne(command));
    sockets.push(...(await Promise.all(batch)));
  }
  send({ type: 'opened' });
  const expected = command.connections * command.perConnection;
  const watch = setInterval(() => {
    if (live < expected) return;
    clearInterval(watch);
    send({ type: 'live', subscribers: live });
  }, 100);
}

process.on('message', (command) => {
  if (command.type === 'open') {
    open(command).catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else if (command.type === 'measure') {
    receipts = new Map();
    received = 0;
    recording = true;
    progress = setInterval(() => send({ type: 'progress', received }), 200);
  } else if (command.type === 'collect') {
    recording = false;
    clearInterval(progress);
    send({ type: 'receipts', receipts: Object.fromEntries(receipts) });
  } else if (command.type === 'close') {
    closing = true;
    for (const socket of sockets) socket.close(1000);
    sockets = [];
    send({ type: 'closed' });
  }
});

import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { framesTo } from './socket-frames';
import { sharedSubscriptionForSpec } from './testing/shared-subscription';

interface Pair {
  server: WebSocket;
  client: WebSocket;
  /** The server side's TCP socket, whose writes are counted. */
  tcp: Duplex;
  received: { id: string; n: number }[];
  close(): Promise<void>;
}

/** A real WebSocket connection on loopback; the client records the `next` messages it reads. */
async function connectionPair(): Promise<Pair> {
  const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: { id: string; n: number }[] = [];
  client.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id: string; payload: { data: { n: number } } };
    received.push({ id: message.id, n: message.payload.data.n });
  });
  await new Promise((resolve) => client.once('open', resolve));
  const server = await serverSide;
  return {
    server,
    client,
    tcp: (server as unknown as { _socket: Duplex })._socket,
    received,
    close: async () => {
      client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

function sharedSubscription() {
  const { subscription, upstream } = sharedSubscriptionForSpec();
  return { subscription, next: (n: number) => upstream().next({ data: { n } }) };
}

/** Counts the writes (one syscall each) the socket makes, and the frames in them. */
function countWrites(tcp: Duplex) {
  const counted = { writes: 0, frames: 0 };
  const socket = tcp as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  const write = socket._write.bind(tcp);
  const writev = socket._writev.bind(tcp);
  socket._write = (...args) => {
    counted.writes += 1;
    counted.frames += 1;
    write(...args);
  };
  socket._writev = (chunks, ...rest) => {
    counted.writes += 1;
    counted.frames += (chunks as unknown[]).length;
    writev(chunks, ...rest);
  };
  return counted;
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('frames written to a client socket during one fan-out', () => {
  let pairs: Pair[] = [];
  afterEach(async () => {
    await Promise.all(pairs.map((pair) => pair.close()));
    pairs = [];
  });

  it('go out in one write per socket however many of its subscriptions receive the event, in order', async () => {
    const pair = await connectionPair();
    pairs.push(pair);
    const { subscription, next } = sharedSubscription();
    const sink = framesTo(pair.server);
    ['1', '2', '3'].forEach((id) => subscription.joinSocket(id, sink, 10));
    const counted = countWrites(pair.tcp);
    next(1);
    next(2);
    await until(() => pair.received.length === 6);
    expect(pair.received).toEqual([
      { id: '1', n: 1 }, { id: '2', n: 1 }, { id: '3', n: 1 },
      { id: '1', n: 2 }, { id: '2', n: 2 }, { id: '3', n: 2 },
    ]);
    // one write per event on the socket, each carrying its three frames
    expect(counted).toEqual({ writes: 2, frames: 6 });
    // nothing stays corked after the fan-out
    expect(pair.tcp.writableCorked).toBe(0);
    expect(pair.tcp.writableLength).toBe(0);
  });

  it('holds each socket apart: every socket of the event gets its own single write', async () => {
    const a = await connectionPair();
    const b = await connectionPair();
    pairs.push(a, b);
    const { subscription, next } = sharedSubscription();
    const [sinkA, sinkB] = [framesTo(a.server), framesTo(b.server)];
    subscription.joinSocket('1', sinkA, 10);
    subscription.joinSocket('1', sinkB, 10);
    subscription.joinSocket('2', sinkA, 10);
    const [countedA, countedB] = [countWrites(a.tcp), countWrites(b.tcp)];
    next(7);
    await until(() => a.received.length === 2 && b.received.length === 1);
    expect(a.received).toEqual([{ id: '1', n: 7 }, { id: '2', n: 7 }]);
    expect(b.received).toEqual([{ id: '1', n: 7 }]);
    expect(countedA).toEqual({ writes: 1, frames: 2 });
    expect(countedB).toEqual({ writes: 1, frames: 1 });
  });

  it('does not take the frames it holds for a backlog: a client that keeps up is never waited for', async () => {
    const pair = await connectionPair();
    pairs.push(pair);
    const sink = framesTo(pair.server);
    const { subscription, next } = sharedSubscription();
    const subscribers = ['1', '2'].map((id) => subscription.joinSocket(id, sink, 10));
    const seen: { backlogged: boolean; waited: boolean }[] = [];
    const send = sink.send.bind(sink);
    sink.send = (frame, written, batch) => {
      seen.push({ backlogged: sink.backlogged, waited: written !== undefined });
      send(frame, written, batch);
    };
    next(1);
    await until(() => pair.received.length === 2);
    // the second subscriber wrote after the first frame was held: still not backlogged
    expect(seen).toEqual([{ backlogged: false, waited: false }, { backlogged: false, waited: false }]);
    expect(subscribers.map((s) => s.size)).toEqual([0, 0]);
  });
});

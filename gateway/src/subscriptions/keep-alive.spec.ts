import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { keepAlive } from './keep-alive';

/** A WebSocket server with keepAlive every `intervalMs`, in three turns. */
async function server(intervalMs: number) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const stop = keepAlive(wss, intervalMs, 3);
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return { wss, url, close: () => (stop(), new Promise((resolve) => wss.close(resolve))) };
}

/** A client; `answers: false` is a peer that went away without closing (it never pongs). */
async function client(url: string, answers: boolean) {
  const socket = new WebSocket(url, { autoPong: answers });
  await new Promise((resolve) => socket.once('open', resolve));
  let pings = 0;
  socket.on('ping', () => (pings += 1));
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  return { socket, pings: () => pings, closed };
}

describe('keepAlive', () => {
  it('pings every client, keeps those that answer and ends one that does not', async () => {
    // client and server share this process: a turn (interval / 3) must outlast a busy event loop, or the
    // server's next turn can run before the client has read the ping it already holds
    const { url, close } = await server(900);
    const live = await Promise.all([client(url, true), client(url, true), client(url, true), client(url, true)]);
    const dead = await client(url, false);
    // the silent one is ended (1006: terminated, no close frame) once it left a ping unanswered
    expect(await dead.closed).toBe(1006);
    expect(dead.pings()).toBeGreaterThanOrEqual(1);
    // by then every live client was pinged too, and all are still open
    while (live.some((c) => c.pings() < 2)) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(live.map((c) => c.socket.readyState)).toEqual(live.map(() => WebSocket.OPEN));
    for (const c of live) c.socket.close();
    await close();
  });
});

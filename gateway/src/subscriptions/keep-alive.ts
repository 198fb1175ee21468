import { WebSocket, type WebSocketServer } from 'ws';

/** How often each client is pinged, and how long it has to answer: graphql-ws's own default. */
export const KEEP_ALIVE_MS = 12_000;

const unanswered = new WeakSet<WebSocket>();
/** The turn each socket is pinged in. */
const turnOf = new WeakMap<WebSocket, Set<WebSocket>>();

// ws calls a listener with the socket as `this`: one function for every socket, no closure each
function answered(this: WebSocket): void {
  unanswered.delete(this);
}
function left(this: WebSocket): void {
  turnOf.get(this)?.delete(this);
}

/**
 * Pings every client once per `intervalMs` and terminates one that has not answered its previous
 * ping: what graphql-ws's ws adapter does with an interval per connection and a timeout per ping,
 * done here by one timer for all of them. Sockets are pinged in `slices` turns spread over the
 * interval, so tens of thousands of pings never go out in one burst in front of an event.
 * Returns the function that stops it.
 */
export function keepAlive(wss: WebSocketServer, intervalMs = KEEP_ALIVE_MS, slices = 12): () => void {
  const turns = Array.from({ length: slices }, () => new Set<WebSocket>());
  let joined = 0;
  let turn = 0;
  wss.on('connection', (socket: WebSocket) => {
    const mine = turns[joined++ % slices] as Set<WebSocket>;
    mine.add(socket);
    turnOf.set(socket, mine);
    socket.on('pong', answered);
    socket.once('close', left);
  });
  const timer = setInterval(() => {
    const due = turns[turn++ % slices] as Set<WebSocket>;
    for (const socket of due) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (unanswered.has(socket)) {
        socket.terminate();
        continue;
      }
      unanswered.add(socket);
      socket.ping();
    }
  }, intervalMs / slices);
  timer.unref();
  return () => clearInterval(timer);
}

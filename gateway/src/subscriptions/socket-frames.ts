import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { FrameSink } from './socket-subscriber';
import type { HeldSocket, WriteBatch } from './write-batch';

/**
 * Whole frames straight to the client's TCP socket, beneath ws; once the WebSocket is closing they
 * go nowhere (graphql-ws then ends its subscriptions). ws has no public way to send bytes that are
 * already framed: its send frames each message again per socket and writes header and body as two
 * chunks, which at thousands of sockets per event is most of the fan-out's own cost. Writing to
 * its socket keeps the order of ws's own frames, since with permessage-deflate off (see the
 * server) ws writes every frame at once and queues nothing.
 *
 * Written with a batch, the socket is corked on its first frame of the batch and uncorked when
 * the batch is released, so every frame of one event goes out in one write. Bytes held that way
 * are not a backlog: the client has not been sent them yet, so they say nothing of its pace.
 */
class SocketFrames implements FrameSink, HeldSocket {
  private readonly tcp: Duplex | undefined;
  /** Bytes written while corked for the current batch. */
  private held = 0;
  private corked = false;

  constructor(private readonly socket: WebSocket) {
    this.tcp = (socket as unknown as { _socket?: Duplex })._socket;
  }

  get backlogged(): boolean {
    const { tcp } = this;
    return tcp ? tcp.writableLength - this.held > 0 : this.socket.bufferedAmount > 0;
  }

  send(frame: Buffer, written?: () => void, batch?: WriteBatch): void {
    const { socket, tcp } = this;
    if (socket.readyState !== WebSocket.OPEN) {
      written?.();
    } else if (tcp) {
      if (batch && !this.corked) {
        tcp.cork();
        this.corked = true;
        batch.hold(this);
      }
      if (this.corked) this.held += frame.length;
      tcp.write(frame, written);
    } else {
      // a ws that no longer keeps its socket there: send the text through its API
      socket.send(frame.subarray(frame[1] === 126 ? 4 : frame[1] === 127 ? 10 : 2), { binary: false }, written);
    }
  }

  release(): void {
    if (!this.corked) return;
    this.corked = false;
    this.held = 0;
    this.tcp?.uncork();
  }
}

/** Where the subscribers on one client's WebSocket write their frames. */
export const framesTo = (socket: WebSocket): FrameSink => new SocketFrames(socket);

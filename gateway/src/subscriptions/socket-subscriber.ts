import type { ExecutionResult } from 'graphql';
import { nextMessagePrefix, type PreparedEvent } from './prepared-event';
import type { WriteBatch } from './write-batch';

/** Where a subscriber's frames go: its client's WebSocket. */
export interface FrameSink {
  /** Whether bytes written earlier still wait for the socket (the client reads slower than it is sent to). */
  readonly backlogged: boolean;
  /**
   * Writes one whole WebSocket frame; `written`, when given, is called once it has left for the
   * client (or cannot: the socket closed). With a `batch`, the socket may hold the frame until the
   * batch is released, to send it with the others written to it meanwhile.
   */
  send(frame: Buffer, written?: () => void, batch?: WriteBatch): void;
}

export interface SocketSubscriberOptions {
  /** The subscription's id, as the client chose it in its subscribe message. */
  id: string;
  sink: FrameSink;
  /** Events waiting while the socket is backlogged; past this the oldest are dropped. */
  bufferSize: number;
  /** Called with how many events were dropped so far, each time the oldest one goes. */
  onOverflow(dropped: number): void;
  /** Called once, when the client stops listening or the subscription ends. */
  onEnd(): void;
}

/**
 * One subscriber on a client's socket: each event goes out as its graphql-ws `next` frame, built
 * once per event for every subscriber with the same id (see PreparedEvent).
 *
 * graphql-ws's server stringifies every result once per socket and its public API has no way to
 * hand it a serialized one, so at thousands of subscribers per event that per-socket stringify,
 * the async iteration and the promise per message are most of the fan-out's cost. graphql-ws
 * still runs the subscription's protocol (subscribe, complete, errors before the first event,
 * closing): it iterates this object, which yields nothing and ends when the subscription does,
 * so graphql-ws then sends `complete`; the `next` frames are written here, on the same socket and
 * so in order with graphql-ws's own messages.
 *
 * A client that keeps up takes each frame at once: it is written with nothing to wait for (a
 * completion callback per write would be a fifth of the fan-out's cost). Once the socket is
 * backlogged, as with graphql-ws one frame at a time is written and waited for, and at most
 * `bufferSize` wait behind it: a slow client only ever loses its own oldest events, holds at most
 * two frames in its socket's buffer, and never holds up the others.
 */
export class SocketSubscriber implements AsyncIterableIterator<ExecutionResult> {
  /** Frames waiting for the backlogged socket; shared buffers, so waiting costs a reference each. */
  private readonly waiting: Buffer[] = [];
  private readonly prefix: string;
  /** A frame written to a backlogged socket has not left yet: the others wait for it. */
  private writing = false;
  /** No more events are taken; the iteration ends once the frames already taken are written. */
  private ended = false;
  private finished = false;
  private consumer: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  dropped = 0;
  // one callback for every awaited write, not a closure per frame
  private readonly written = (): void => this.afterWrite();

  constructor(private readonly options: SocketSubscriberOptions) {
    // the same message graphql-ws would send: {"id":…,"type":"next","payload":…}
    this.prefix = nextMessagePrefix(options.id);
  }

  /** Frames not yet handed to the socket. */
  get size(): number {
    return this.waiting.length;
  }

  /** One event of the shared subscription (the same PreparedEvent for all its subscribers). */
  deliver(event: PreparedEvent): void {
    if (this.ended) return;
    const frame = event.frame(this.options.id, this.prefix);
    if (!this.writing) {
      this.write(frame, event.writes);
      return;
    }
    this.waiting.push(frame);
    if (this.waiting.length > this.options.bufferSize) {
      this.waiting.shift();
      this.dropped += 1;
      this.options.onOverflow(this.dropped);
    }
  }

  /** No more events: the frames taken are still written, then graphql-ws completes the subscription. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onEnd();
    if (!this.writing) this.finish();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.consumer = resolve;
    });
  }

  /** The client completed the subscription or closed the socket: what waits is dropped. */
  return(): Promise<IteratorResult<ExecutionResult>> {
    this.waiting.length = 0;
    this.end();
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Like return: graphql-ws ends only iterators that also have throw. */
  throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Writes at once to a socket that keeps up; to a backlogged one, writes and waits for the frame to leave. */
  private write(frame: Buffer, batch?: WriteBatch): void {
    const { sink } = this.options;
    if (!sink.backlogged) {
      sink.send(frame, undefined, batch);
      return;
    }
    this.writing = true;
    sink.send(frame, this.written, batch);
  }

  private afterWrite(): void {
    this.writing = false;
    while (!this.writing && this.waiting.length > 0) this.write(this.waiting.shift() as Buffer);
    if (!this.writing && this.ended) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    consumer?.({ value: undefined, done: true });
  }
}

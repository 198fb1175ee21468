/** A socket held for the length of one event's fan-out. */
export interface HeldSocket {
  /** Sends what was written to it while held, in one write. */
  release(): void;
}

/**
 * The sockets written to while one event fans out, held (corked) until every subscriber has its
 * frame and then released together: a socket carrying several subscriptions that receive the
 * same event (a UI with several live views of one episode) takes all their frames in one write.
 * A CPU profile of the fan-out is four fifths write syscalls, so the writes saved are most of what
 * a subscription per connection beyond the first costs.
 */
export class WriteBatch {
  private readonly held: HeldSocket[] = [];

  hold(socket: HeldSocket): void {
    this.held.push(socket);
  }

  /** Releases every socket held, in the order they were first written to. */
  release(): void {
    const held = this.held;
    for (let i = 0; i < held.length; i += 1) held[i].release();
    held.length = 0;
  }
}

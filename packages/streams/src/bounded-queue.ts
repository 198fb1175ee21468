export interface BoundedQueueOptions {
  /** Called with how many events were dropped so far, each time the oldest one goes. */
  onOverflow?(dropped: number): void;
  /** Called once, when the consumer stops listening or the producer ends the queue. */
  onEnd?(): void;
}

/**
 * Events pushed by a producer that never waits, taken by an async consumer. At most `limit`
 * wait: past that the oldest is dropped, so a slow consumer costs bounded memory and never
 * holds up the producer or the other consumers.
 */
export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  private ended = false;
  private failure: unknown;
  dropped = 0;

  constructor(
    private readonly limit: number,
    private readonly options: BoundedQueueOptions = {},
  ) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length > this.limit) {
      this.items.shift();
      this.dropped += 1;
      this.options.onOverflow?.(this.dropped);
    }
  }

  /** No more events: the consumer takes what is left, then sees the end (or `error`, if given). */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.options.onEnd?.();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) this.settleEmpty(waiting.resolve, waiting.reject);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.ended) return new Promise((resolve, reject) => this.settleEmpty(resolve, reject));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Like return: graphql-ws ends only iterators that also have throw. */
  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private settleEmpty(resolve: (result: IteratorResult<T>) => void, reject: (error: unknown) => void): void {
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) reject(failure);
    else resolve({ value: undefined, done: true });
  }
}

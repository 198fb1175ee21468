/**
 * `first`, then the events of `events` up to and including the first one `isLast` accepts;
 * nothing after `first` when `firstIsLast`. Ending the result ends `events` (the pub/sub
 * subscription) at once, whatever state the stream is in.
 */
export function startThenUntil<T>(first: T, firstIsLast: boolean, events: AsyncIterableIterator<T>, isLast: (event: T) => boolean): AsyncIterableIterator<T> {
  const release = async (): Promise<void> => {
    await events.return?.();
  };
  async function* follow(): AsyncGenerator<T, void, undefined> {
    try {
      yield first;
      if (firstIsLast) return;
      for await (const event of events) {
        yield event;
        if (isLast(event)) return;
      }
    } finally {
      await release();
    }
  }
  const generator = follow();
  // A generator's own return() waits behind a pending next(), i.e. until another event arrives
  // (maybe never), and one that never started skips its finally: end the source first, which
  // settles that pending next() as done, then the generator.
  return {
    next: () => generator.next(),
    return: async () => {
      await release();
      return generator.return();
    },
    throw: async (error?: unknown) => {
      await release();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

import { startThenUntil } from './live.follow';

/** A source like the pub/sub's: events pushed from outside, `next()` waits for one, `return()` ends it. */
function source() {
  const waiting: ((result: IteratorResult<number>) => void)[] = [];
  const queued: number[] = [];
  let ended = false;
  let returned = 0;
  const iterator: AsyncIterableIterator<number> = {
    next: () =>
      queued.length ? Promise.resolve({ value: queued.shift() as number, done: false }) :
      ended ? Promise.resolve({ value: undefined, done: true }) :
      new Promise((resolve) => waiting.push(resolve)),
    return: async () => {
      returned += 1;
      ended = true;
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  const push = (value: number) => {
    const resolve = waiting.shift();
    if (resolve) resolve({ value, done: false });
    else queued.push(value);
  };
  return { iterator, push, returned: () => returned };
}

const isLast = (n: number) => n < 0;

describe('startThenUntil', () => {
  it('yields the first value, then the events up to and including the last one, and lets go of the source', async () => {
    const s = source();
    const seen: number[] = [];
    const done = (async () => {
      for await (const n of startThenUntil(0, false, s.iterator, isLast)) seen.push(n);
    })();
    [1, 2, -3, 4].forEach(s.push);
    await done;
    expect(seen).toEqual([0, 1, 2, -3]);
    expect(s.returned()).toBeGreaterThan(0);
  });

  it('yields only the first value when it already is the end', async () => {
    const s = source();
    s.push(1);
    const events = startThenUntil(0, true, s.iterator, isLast);
    expect(await events.next()).toEqual({ value: 0, done: false });
    expect(await events.next()).toEqual({ value: undefined, done: true });
    expect(s.returned()).toBeGreaterThan(0);
  });

  it('ends the source at once when returned while waiting for an event', async () => {
    const s = source();
    const events = startThenUntil(0, false, s.iterator, isLast);
    await events.next();
    const pending = events.next();
    // no event ever comes: without ending the source first, return() would wait for one
    await expect(events.return?.()).resolves.toEqual({ value: undefined, done: true });
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(s.returned()).toBeGreaterThan(0);
  });

  it('ends the source when returned before anything was read', async () => {
    const s = source();
    const events = startThenUntil(0, false, s.iterator, isLast);
    await events.return?.();
    expect(s.returned()).toBe(1);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('ends the source and rethrows when thrown into', async () => {
    const s = source();
    const events = startThenUntil(0, false, s.iterator, isLast);
    await events.next();
    await expect(events.throw?.(new Error('client gone'))).rejects.toThrow('client gone');
    expect(s.returned()).toBeGreaterThan(0);
  });
});

import { BoundedQueue } from './bounded-queue';

const take = async <T>(queue: BoundedQueue<T>, count: number): Promise<T[]> => {
  const taken: T[] = [];
  for (let i = 0; i < count; i += 1) {
    const result = await queue.next();
    if (result.done) break;
    taken.push(result.value);
  }
  return taken;
};

describe('BoundedQueue', () => {
  it('hands events to a waiting consumer in order', async () => {
    const queue = new BoundedQueue<number>(10);
    const taken = take(queue, 3);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await taken).toEqual([1, 2, 3]);
  });

  it('keeps only the newest `limit` events for a slow consumer and counts what it dropped', async () => {
    const overflows: number[] = [];
    const queue = new BoundedQueue<number>(3, { onOverflow: (dropped) => overflows.push(dropped) });
    for (let i = 1; i <= 1000; i += 1) queue.push(i);
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(997);
    expect(overflows).toHaveLength(997);
    expect(await take(queue, 3)).toEqual([998, 999, 1000]);
  });

  it('lets the consumer drain what is left after the end, then reports done', async () => {
    const ends = jest.fn();
    const queue = new BoundedQueue<string>(5, { onEnd: ends });
    queue.push('a');
    queue.end();
    queue.push('ignored');
    expect(await queue.next()).toEqual({ value: 'a', done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(ends).toHaveBeenCalledTimes(1);
  });

  it('rejects a waiting consumer with the error it was ended with', async () => {
    const queue = new BoundedQueue<string>(5);
    const waiting = queue.next();
    queue.end(new Error('upstream went away'));
    await expect(waiting).rejects.toThrow('upstream went away');
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('ends when the consumer returns, dropping what was buffered', async () => {
    const ends = jest.fn();
    const queue = new BoundedQueue<number>(5, { onEnd: ends });
    queue.push(1);
    await queue.return();
    expect(ends).toHaveBeenCalledTimes(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    const consumed: number[] = [];
    for await (const item of queue) consumed.push(item);
    expect(consumed).toEqual([]);
  });

  it('ends on throw too, rejecting with the error', async () => {
    const ends = jest.fn();
    const queue = new BoundedQueue<number>(5, { onEnd: ends });
    await expect(queue.throw(new Error('stop'))).rejects.toThrow('stop');
    expect(ends).toHaveBeenCalledTimes(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });
});

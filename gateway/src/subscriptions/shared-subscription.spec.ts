import { createGatewayLogger } from '../server';
import { SharedSubscription } from './shared-subscription';
import type { UpstreamEvent } from './upstream';

interface FakeUpstream {
  next(event: UpstreamEvent): void;
  error(error: unknown): void;
  complete(): void;
}

function sharedSubscription(complete: (event: UpstreamEvent) => Promise<UpstreamEvent> = async (event) => event) {
  let upstream: FakeUpstream | undefined;
  const stopped = jest.fn();
  const closed = jest.fn();
  const subscription = new SharedSubscription({
    subgraph: 'engagement',
    request: { query: 'subscription { x }', operationName: undefined, variables: {}, viewer: null, requestId: 'r' },
    upstream: { query: 'subscription { x }', variables: {} },
    completer: { complete: async (event) => (await complete(event)) as never },
    open: (_request, sink) => {
      upstream = sink;
      return stopped;
    },
    onClosed: closed,
    log: createGatewayLogger(),
  });
  subscription.start();
  return { subscription, upstream: () => upstream as FakeUpstream, stopped, closed };
}

const event = (n: number): UpstreamEvent => ({ data: { n } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('SharedSubscription', () => {
  it('completes each event once, in order, for every subscriber', async () => {
    const completions: number[] = [];
    const { subscription, upstream } = sharedSubscription(async (e) => {
      completions.push((e.data as { n: number }).n);
      return e;
    });
    const [a, b] = [subscription.join(10), subscription.join(10)];
    for (let n = 1; n <= 3; n += 1) upstream().next(event(n));
    for (const queue of [a, b]) {
      for (let n = 1; n <= 3; n += 1) expect(await queue.next()).toEqual({ value: { data: { n } }, done: false });
    }
    expect(completions).toEqual([1, 2, 3]);
  });

  it('keeps at most its buffer for a subscriber that does not read, while another gets everything', async () => {
    const { subscription, upstream } = sharedSubscription();
    const slow = subscription.join(5);
    const fast = subscription.join(5);
    const received: number[] = [];
    const reading = (async () => {
      for await (const result of fast) {
        received.push((result.data as { n: number }).n);
        if (received.length === 500) return;
      }
    })();
    for (let n = 1; n <= 500; n += 1) {
      upstream().next(event(n));
      // let the fast subscriber keep up, as a live client would
      if (n % 50 === 0) await settle();
    }
    await reading;
    expect(received).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(slow.size).toBe(5);
    expect(slow.dropped).toBe(495);
    expect((await slow.next()).value).toEqual({ data: { n: 496 } });
  });

  it('stops the upstream subscription when its last subscriber leaves', async () => {
    const { subscription, stopped, closed } = sharedSubscription();
    const [a, b] = [subscription.join(10), subscription.join(10)];
    await a.return();
    expect(stopped).not.toHaveBeenCalled();
    await b.return();
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('ends every subscriber with a located error when the subgraph connection drops, after the events before it', async () => {
    const { subscription, upstream, closed } = sharedSubscription();
    const queue = subscription.join(10);
    upstream().next(event(1));
    upstream().error({ code: 1006, reason: '' });
    expect(await queue.next()).toEqual({ value: { data: { n: 1 } }, done: false });
    const failure = await queue.next();
    expect(failure.value?.errors?.[0]).toMatchObject({ message: expect.stringContaining('engagement service ended'), extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it("passes the subgraph's own refusal through and ends", async () => {
    const { subscription, upstream } = sharedSubscription();
    const queue = subscription.join(10);
    upstream().error([{ message: 'Variable "$id" is invalid', extensions: { code: 'BAD_USER_INPUT' } }]);
    expect((await queue.next()).value).toEqual({ errors: [{ message: 'Variable "$id" is invalid', extensions: { code: 'BAD_USER_INPUT' } }] });
    expect((await queue.next()).done).toBe(true);
  });

  it('turns a failure while completing an event into a masked error for that event only', async () => {
    const { subscription, upstream } = sharedSubscription(async (e) => {
      if ((e.data as { n: number }).n === 1) throw new Error('identity exploded with a secret');
      return e;
    });
    const queue = subscription.join(10);
    upstream().next(event(1));
    upstream().next(event(2));
    expect(JSON.stringify((await queue.next()).value)).not.toContain('secret');
    expect((await queue.next()).value).toEqual({ data: { n: 2 } });
  });
});

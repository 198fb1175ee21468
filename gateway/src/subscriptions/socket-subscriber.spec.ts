import type { ExecutionResult } from 'graphql';
import WebSocket from 'ws';
import { PreparedEvent, textFrame } from './prepared-event';
import type { FrameSink } from './socket-subscriber';
import { sharedSubscriptionForSpec } from './testing/shared-subscription';
import type { UpstreamEvent } from './upstream';

const sharedSubscription = sharedSubscriptionForSpec;

/**
 * A client's socket: records every frame. A fast one takes each frame at once; a slow one keeps
 * what it was sent unread (backlogged) until `flush`, which reads it all and reports it written.
 */
function socket(slow = false) {
  const frames: Buffer[] = [];
  let unread = 0;
  let callbacks: (() => void)[] = [];
  const sink: FrameSink = {
    get backlogged() {
      return unread > 0;
    },
    send: (frame, written) => {
      frames.push(frame);
      if (slow) unread += 1;
      if (!written) return;
      if (slow) callbacks.push(written);
      else queueMicrotask(written);
    },
  };
  const flush = () => {
    unread = 0;
    const due = callbacks;
    callbacks = [];
    due.forEach((written) => written());
  };
  return { sink, frames, flush, unread: () => unread };
}

/** What a WebSocket client reads from frames: ws's own parser, as a browser's would. */
function readFrames(frames: readonly Buffer[]): { text: string; binary: boolean }[] {
  const { Receiver } = WebSocket as unknown as { Receiver: new (options: object) => NodeJS.WritableStream & { on(event: 'message', fn: (data: Buffer, binary: boolean) => void): void } };
  const receiver = new Receiver({ isServer: false });
  const messages: { text: string; binary: boolean }[] = [];
  receiver.on('message', (data, binary) => messages.push({ text: data.toString(), binary }));
  for (const frame of frames) receiver.write(frame);
  return messages;
}

const event = (n: number): UpstreamEvent => ({ data: { n } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const payloadsOf = (frames: readonly Buffer[]) => readFrames(frames).map((m) => JSON.parse(m.text) as { id: string; type: string; payload: ExecutionResult });

describe('socket subscribers of a shared subscription', () => {
  it('serializes each event once and sends every subscriber with the same id the very same bytes', async () => {
    const { subscription, upstream, serialized } = sharedSubscription();
    const sockets = [socket(), socket(), socket(), socket()];
    sockets.forEach((s, i) => subscription.joinSocket(i < 3 ? '1' : 'other', s.sink, 10));
    upstream().next(event(1));
    await settle();
    expect(serialized).toEqual([{ data: { n: 1 } }]);
    const [a, b, c, other] = sockets.map((s) => s.frames);
    expect(a).toHaveLength(1);
    expect(b[0]).toBe(a[0]);
    expect(c[0]).toBe(a[0]);
    expect(payloadsOf(a)).toEqual([{ id: '1', type: 'next', payload: { data: { n: 1 } } }]);
    expect(payloadsOf(other)).toEqual([{ id: 'other', type: 'next', payload: { data: { n: 1 } } }]);
  });

  it('keeps at most its buffer for a client that does not read, while another gets everything in order', async () => {
    const { subscription, upstream } = sharedSubscription();
    const slow = socket(true);
    const fast = socket();
    const slowSubscriber = subscription.joinSocket('1', slow.sink, 3);
    subscription.joinSocket('1', fast.sink, 3);
    for (let n = 1; n <= 10; n += 1) {
      upstream().next(event(n));
      await settle();
    }
    expect(payloadsOf(fast.frames).map((m) => m.payload.data?.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // the first frame is unread, the second waits to leave behind it; three wait, the older ones were dropped
    expect(slow.frames).toHaveLength(2);
    expect(slowSubscriber.size).toBe(3);
    expect(slowSubscriber.dropped).toBe(5);
    while (slow.unread() > 0) slow.flush();
    expect(payloadsOf(slow.frames).map((m) => m.payload.data?.n)).toEqual([1, 2, 8, 9, 10]);
    expect(slowSubscriber.size).toBe(0);
  });

  it('never has more than two frames unread in a slow socket, however many events come', async () => {
    const { subscription, upstream } = sharedSubscription();
    const slow = socket(true);
    subscription.joinSocket('1', slow.sink, 100);
    for (let n = 1; n <= 50; n += 1) upstream().next(event(n));
    await settle();
    expect(slow.unread()).toBe(2);
    slow.flush();
    expect(slow.unread()).toBe(2);
  });

  it('ends with the error after the frames already taken, then lets graphql-ws complete it', async () => {
    const { subscription, upstream } = sharedSubscription();
    const slow = socket(true);
    const subscriber = subscription.joinSocket('7', slow.sink, 10);
    let done = false;
    const ended = subscriber.next().then((result) => {
      done = result.done === true;
    });
    upstream().next(event(1));
    upstream().next(event(2));
    upstream().next(event(3));
    upstream().error({ code: 1006, reason: '' });
    await settle();
    expect(done).toBe(false); // events and the error are still on their way
    while (slow.unread() > 0) slow.flush();
    await ended;
    expect(done).toBe(true);
    const messages = payloadsOf(slow.frames);
    expect(messages.slice(0, 3)).toEqual([1, 2, 3].map((n) => ({ id: '7', type: 'next', payload: { data: { n } } })));
    expect(messages[3]?.payload.errors?.[0]).toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(messages).toHaveLength(4);
  });

  it('leaves the subscription when graphql-ws returns it, and the last one stops the upstream', async () => {
    const { subscription, upstream, stopped } = sharedSubscription();
    const [a, b] = [socket(), socket()];
    const first = subscription.joinSocket('1', a.sink, 10);
    const second = subscription.joinSocket('1', b.sink, 10);
    expect(await first.return()).toEqual({ value: undefined, done: true });
    upstream().next(event(1));
    await settle();
    expect(a.frames).toHaveLength(0);
    expect(b.frames).toHaveLength(1);
    expect(stopped).not.toHaveBeenCalled();
    await second.return();
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(subscription.subscribers).toBe(0);
  });
});

describe('textFrame', () => {
  it.each([0, 125, 126, 65_535, 65_536, 200_000])('is one text message of %i bytes to a WebSocket client', (size) => {
    const text = 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2);
    expect(Buffer.byteLength(text)).toBe(size);
    expect(readFrames([textFrame(text)])).toEqual([{ text, binary: false }]);
  });

  it('builds one frame per subscription id for an event, serialized once', () => {
    const serialize = jest.fn((result: ExecutionResult) => JSON.stringify(result));
    const prepared = new PreparedEvent({ data: { n: 1 } }, serialize);
    const one = prepared.frame('1', '{"id":"1","type":"next","payload":');
    expect(prepared.frame('1', '{"id":"1","type":"next","payload":')).toBe(one);
    expect(prepared.frame('2', '{"id":"2","type":"next","payload":')).not.toBe(one);
    expect(serialize).toHaveBeenCalledTimes(1);
  });
});

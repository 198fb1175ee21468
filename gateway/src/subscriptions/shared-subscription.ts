import { BoundedQueue } from '@wavegraph/streams';
import { inSpan, openSpan } from '@wavegraph/telemetry';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import type { EventCompleter, EventRequest } from './complete-event';
import { PreparedEvent } from './prepared-event';
import { SocketSubscriber, type FrameSink } from './socket-subscriber';
import type { UpstreamEvent, UpstreamRequest } from './upstream';

/** Raw upstream events waiting to be completed; past this the oldest are dropped. */
const PENDING_EVENTS = 1000;

export interface SharedSubscriptionOptions {
  subgraph: string;
  request: EventRequest;
  upstream: UpstreamRequest;
  completer: Pick<EventCompleter, 'complete'>;
  /** Opens the upstream subscription; returns the function that ends it. */
  open(request: UpstreamRequest, sink: { next(event: UpstreamEvent): void; error(error: unknown): void; complete(): void }): () => void;
  /** Called once, when the last subscriber left or the upstream ended. */
  onClosed(): void;
  /**
   * The payload of a `next` message for a completed result, run once per event and sent as is to
   * every socket subscriber (so errors are formatted here, once). Default: JSON.stringify.
   */
  serialize?(result: ExecutionResult): string;
  log: Logger;
}

/** A subscriber of the shared subscription, whichever way it takes its events. */
interface Member {
  /** One completed event, serialized (at most) once for every member. */
  deliver(event: PreparedEvent): void;
  end(): void;
}

function upstreamFailure(subgraph: string, error: unknown): ExecutionResult {
  const unavailable = { errors: [new GraphQLError(`The ${subgraph} service ended the subscription; subscribe again`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE' } })] };
  if (!Array.isArray(error)) return unavailable;
  // a subgraph shutting down says so; anything else is its refusal of the operation, passed on as is
  const errors = error as { extensions?: { code?: unknown } }[];
  return errors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE') ? unavailable : { errors: error as ExecutionResult['errors'] };
}

/**
 * One upstream subscription shared by every subscriber of the same operation, variables and
 * viewer, on any connection of this gateway: each event is completed once (and serialized once
 * for the sockets), then handed to each subscriber's own bounded queue, so a slow subscriber only
 * ever loses its own oldest events.
 */
export class SharedSubscription {
  private readonly members = new Set<Member>();
  private readonly serialize: (result: ExecutionResult) => string;
  private readonly events = new BoundedQueue<UpstreamEvent>(PENDING_EVENTS, {
    onOverflow: (dropped) => this.options.log.warn({ subgraph: this.options.subgraph, dropped }, 'subscription events dropped before completion'),
  });
  private stopUpstream: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: SharedSubscriptionOptions) {
    this.serialize = options.serialize ?? ((result) => JSON.stringify(result));
  }

  start(): void {
    this.stopUpstream = this.options.open(this.options.upstream, {
      next: (event) => this.events.push(event),
      error: (error) => this.events.end(error ?? new Error('upstream error')),
      complete: () => this.events.end(),
    });
    void this.deliver();
  }

  /** A new in-process subscriber's queue of results; returning it (or ending it) leaves the subscription. */
  join(bufferSize: number): BoundedQueue<ExecutionResult> {
    const member: Member = { deliver: (event) => queue.push(event.result), end: () => queue.end() };
    const queue: BoundedQueue<ExecutionResult> = new BoundedQueue<ExecutionResult>(bufferSize, {
      onOverflow: this.onOverflow,
      onEnd: () => this.leave(member),
    });
    this.members.add(member);
    return queue;
  }

  /**
   * A new subscriber on a client's socket: each event's shared payload goes out as its `next`
   * frame (see SocketSubscriber); returning the subscriber leaves the subscription.
   */
  joinSocket(id: string, sink: FrameSink, bufferSize: number): SocketSubscriber {
    // the subscriber is its own member: no wrapper or closures per subscriber beyond its own
    const subscriber: SocketSubscriber = new SocketSubscriber({ id, sink, bufferSize, onOverflow: this.onOverflow, onEnd: () => this.leave(subscriber) });
    this.members.add(subscriber);
    return subscriber;
  }

  get subscribers(): number {
    return this.members.size;
  }

  private readonly onOverflow = (dropped: number): void => {
    this.options.log.warn({ subgraph: this.options.subgraph, dropped }, 'slow subscriber: oldest events dropped');
  };

  private leave(member: Member): void {
    if (this.members.delete(member) && this.members.size === 0) this.close();
  }

  /** Hands one result to every member, serialized at most once. */
  private fanOut(result: ExecutionResult, members: Iterable<Member> = this.members): void {
    const event = new PreparedEvent(result, this.serialize);
    try {
      for (const member of members) member.deliver(event);
    } finally {
      event.writes.release();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopUpstream?.();
    void this.events.return();
    this.options.onClosed();
  }

  /** Completes events one at a time, in order, and fans each result out. */
  private async deliver(): Promise<void> {
    let final: ExecutionResult | undefined;
    try {
      for await (const event of this.events) {
        // each event is a trace of its own: its completion (the other subgraphs' fetches) and its fan-out
        await inSpan('gateway.subscription.event', { kind: 'consumer', root: true, attributes: { 'graphql.subgraph': this.options.subgraph, 'wavegraph.subscribers': this.members.size } }, async () => {
          const result = await this.options.completer.complete(event, this.options.request).catch((error: unknown): ExecutionResult => {
            this.options.log.error({ err: error, subgraph: this.options.subgraph }, 'completing a subscription event failed');
            return { errors: [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
          });
          const fanOut = openSpan('gateway.subscription.fanout', { attributes: { 'wavegraph.subscribers': this.members.size } });
          this.fanOut(result);
          fanOut.end();
        });
      }
    } catch (error) {
      final = upstreamFailure(this.options.subgraph, error);
    }
    const members = [...this.members];
    this.close();
    if (final) this.fanOut(final, members);
    for (const member of members) member.end();
  }
}

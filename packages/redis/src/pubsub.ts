import type Redis from 'ioredis';
import { whenReady } from './ready';

/** Topic name → payload type; a pub/sub is typed by one of these. */
export type TopicMap = Record<string, unknown>;

export interface RedisPubSubConnections {
  /** Any ready-to-command connection (a `command` profile one: a stale live event is not worth a wait). */
  publisher: Redis;
  /** A connection used for nothing else (`subscriber` profile): subscribe mode allows no other command. */
  subscriber: Redis;
}

export interface RedisPubSubOptions {
  /** Every channel is `<channelPrefix>:<topic>`, so deployments and test runs on one Redis do not hear each other. */
  channelPrefix: string;
  /** How long `subscribe` waits for the subscriber connection to be ready. Default 5 s. */
  readyTimeoutMs?: number;
  /** A message that is not JSON (someone else's publisher) is dropped; this hears about it. */
  onUnreadable?(channel: string, error: unknown): void;
}

export type Unsubscribe = () => Promise<void>;

/**
 * Redis pub/sub as a transport, modelled on graphql-hive/gateway's `RedisPubSub`: connections are
 * passed in (their owner closes them), channels carry a required prefix, topics are typed,
 * payloads travel as JSON, and `dispose()` ends its subscriptions. Each channel is subscribed
 * once however many listeners it has, and a message is parsed once for all of them.
 */
export class RedisPubSub<T extends TopicMap = TopicMap> {
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly readyTimeoutMs: number;
  private disposed = false;

  constructor(
    private readonly connections: RedisPubSubConnections,
    private readonly options: RedisPubSubOptions,
  ) {
    if (!options.channelPrefix) throw new Error('RedisPubSub needs a channelPrefix');
    if (connections.publisher === connections.subscriber) throw new Error('RedisPubSub needs two connections: a subscriber can only subscribe');
    this.readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
    connections.subscriber.on('message', this.onMessage);
  }

  channel(topic: keyof T & string): string {
    return `${this.options.channelPrefix}:${topic}`;
  }

  /** Sends to every subscriber of the topic in every process; rejects when Redis did not take it. */
  async publish<K extends keyof T & string>(topic: K, payload: T[K]): Promise<void> {
    if (this.disposed) throw new Error('RedisPubSub is disposed');
    await this.connections.publisher.publish(this.channel(topic), JSON.stringify(payload ?? null));
  }

  /**
   * Calls `listener` with each payload published on the topic from the moment this resolves
   * (Redis confirmed the subscription); the returned function stops it.
   */
  async subscribe<K extends keyof T & string>(topic: K, listener: (payload: T[K]) => void): Promise<Unsubscribe> {
    if (this.disposed) throw new Error('RedisPubSub is disposed');
    const channel = this.channel(topic);
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set.add(listener as (payload: never) => void));
    const unsubscribe = () => this.leave(channel, listener as (payload: never) => void);
    try {
      await this.ready();
      await this.connections.subscriber.subscribe(channel);
    } catch (error) {
      // the subscribe's own error is the one the caller needs
      await unsubscribe().catch(() => undefined);
      throw error;
    }
    return unsubscribe;
  }

  /** Topics with a listener in this process. */
  topics(): string[] {
    const prefix = `${this.options.channelPrefix}:`;
    return [...this.listeners.keys()].map((channel) => channel.slice(prefix.length));
  }

  /** Listeners in this process of a topic. */
  listenerCount(topic: keyof T & string): number {
    return this.listeners.get(this.channel(topic))?.size ?? 0;
  }

  /** Stops every listener and unsubscribes; the connections stay open for their owner to close. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const channels = [...this.listeners.keys()];
    this.listeners.clear();
    this.connections.subscriber.off('message', this.onMessage);
    if (channels.length && this.connections.subscriber.status === 'ready') await this.connections.subscriber.unsubscribe(...channels);
  }

  private readonly onMessage = (channel: string, message: string): void => {
    const set = this.listeners.get(channel);
    if (!set?.size) return;
    let payload: never;
    try {
      payload = JSON.parse(message) as never;
    } catch (error) {
      this.options.onUnreadable?.(channel, error);
      return;
    }
    for (const listener of [...set]) listener(payload);
  };

  private async leave(channel: string, listener: (payload: never) => void): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(channel);
    if (this.disposed) return;
    // commands on one connection run in order, so a later SUBSCRIBE to the same channel still wins
    const { subscriber } = this.connections;
    const done = subscriber.unsubscribe(channel);
    // while reconnecting it waits in the offline queue and runs once Redis is back (or goes with the
    // connection when that closes); the connection's own errors are reported by the factory
    if (subscriber.status === 'ready') await done;
    else done.catch(() => undefined);
  }

  /**
   * A SUBSCRIBE sent while ioredis is still connecting can be acknowledged without the server
   * ever registering it (seen under load): subscribe only on a ready connection. ioredis then
   * subscribes again by itself after a reconnect.
   */
  private async ready(): Promise<void> {
    if (!(await whenReady(this.connections.subscriber, this.readyTimeoutMs))) throw new Error('live updates are unavailable: Redis is not reachable');
  }
}

import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { EntityCache } from './entity-cache';
import { PURGING_PRODUCERS, tagsOfEvent } from './purge-events';

/**
 * Subjects of a producer's events on the JetStream transport: `subjectOf` in @wavegraph/events
 * (the gateway reads events, it does not depend on the contracts). Every partition.
 */
export const eventSubjectsOf = (prefix: string, producer: string): string => `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}.events.${producer}.*`;

/** How long start() waits for NATS before the gateway serves without the cache (it joins once NATS answers). */
const START_WAIT_MS = 2_000;

/**
 * Purges the entity cache from the domain events when they travel on NATS JetStream: a plain
 * subscription to the producers' subjects (what JetStream stores is published on them), no
 * durable consumer, so each gateway instance sees every event from when it subscribed, as the
 * Redis listener's XREAD from the streams' ends. Core NATS does not replay what was published
 * while the connection was away (or dropped when this instance fell behind), so the cache is
 * switched off and emptied then, and used again once the subscription is back.
 */
export class NatsPurgeListener {
  private nc: NatsConnection | undefined;
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly servers: string,
    private readonly cache: EntityCache,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** Starts following; resolves once the cache is live, or after START_WAIT_MS without NATS (it goes live later). */
  async start(): Promise<void> {
    const connecting = this.connect();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
    await Promise.race([connecting, waited]).finally(() => clearTimeout(timer));
  }

  private async connect(): Promise<void> {
    const nc = await connect({ servers: this.servers.split(',').map((s) => s.trim()), name: 'gateway-entity-cache-purges', waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    if (this.stopped) {
      await nc.close();
      return;
    }
    this.nc = nc;
    const subscriptions = PURGING_PRODUCERS.map((producer) => nc.subscribe(eventSubjectsOf(this.prefix, producer)));
    this.loops = [...subscriptions.map((sub) => this.follow(sub)), this.watch(nc)];
    // the subscriptions are in place once the server has them: every event from here on is seen
    await nc.flush();
    this.cache.setFollowing(true);
  }

  private async follow(subscription: Subscription): Promise<void> {
    for await (const message of subscription) {
      const tags = tagsOfEvent(message.string());
      if (tags.length === 0) continue;
      try {
        await this.cache.purge([...new Set(tags)]);
      } catch (error) {
        // this instance dropped its own copies; every instance that read the event refuses the Redis ones by its purge records
        this.log.warn({ err: error, tags: tags.length }, 'entity cache: purge in Redis failed');
      }
    }
  }

  /** Off while the connection is away or events were dropped; on again once it is back. */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.stopped) return;
      if (status.type === 'disconnect' || status.type === 'slowConsumer') {
        if (this.cache.live) this.log.warn({ status: status.type }, 'entity cache: events may have been missed on NATS; off until it follows them again');
        this.cache.setFollowing(false);
        // dropped messages (a slow consumer) leave the connection up: follow again from here on
        if (status.type === 'slowConsumer') this.cache.setFollowing(true);
      } else if (status.type === 'reconnect') {
        this.cache.setFollowing(true);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cache.setFollowing(false);
    await this.nc?.close().catch(() => undefined);
    await Promise.allSettled(this.loops);
  }
}

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { appendEvent, type EventContract, type EventEnvelope } from '@wavegraph/events';
import { applyInOrder, consumed, startTestSubgraph, TEST_REDIS_URL, type SubgraphHarness } from '@wavegraph/testkit';
import { connectRedis } from '@wavegraph/kit';
import { notificationsModule } from '../notifications.module';
import { NOTIFICATIONS_GROUP, NOTIFICATIONS_HANDLERS, NOTIFICATIONS_PRODUCERS, type NotificationsServices } from '../services';

/** The notifications subgraph on a fresh database and Redis prefix, plus a Redis client to play the producers. */
export interface NotificationsHarness extends SubgraphHarness<NotificationsServices> {
  emit<P>(contract: EventContract<P>, aggregateId: string, payload: P, overrides?: Partial<Pick<EventEnvelope, 'id' | 'position' | 'occurredAt'>>): Promise<EventEnvelope<P>>;
  /** Waits until every event emitted so far has been applied (or skipped). */
  settle(): Promise<void>;
  /** Applies events in exactly this order with the consumer's handlers (inbox included), bypassing the streams. */
  apply(events: readonly EventEnvelope[]): Promise<number>;
}

export async function startNotifications(): Promise<NotificationsHarness> {
  const h = await startTestSubgraph(notificationsModule);
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'notifications-harness' });
  return {
    ...h,
    emit: (contract, aggregateId, payload, overrides = {}) => appendEvent(redis, h.redisPrefix, contract, aggregateId, payload, overrides),
    settle: () => consumed(redis, h.redisPrefix, NOTIFICATIONS_GROUP, NOTIFICATIONS_PRODUCERS),
    apply: (events) => applyInOrder(h.running.db.dataSource, NOTIFICATIONS_GROUP, NOTIFICATIONS_HANDLERS, events),
    stop: async () => {
      redis.disconnect();
      await h.stop();
    },
  };
}

export const viewer = (id: string = randomUUID()): Viewer => ({ id, role: 'USER', plan: 'FREE' });

export const INBOX = `query($r: [_Any!]!, $first: Int, $after: String, $unreadOnly: Boolean) { _entities(representations: $r) { ... on User {
  id unreadNotificationCount
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { cursor node { id kind message read readAt createdAt assetId episode { id } show { id } comment { id } actor { id } } }
    pageInfo { hasNextPage endCursor }
  }
} } }`;

export interface InboxNode {
  id: string;
  kind: string;
  message: string;
  read: boolean;
  readAt: string | null;
  createdAt: string;
  assetId: string | null;
  episode: { id: string } | null;
  show: { id: string } | null;
  comment: { id: string } | null;
  actor: { id: string } | null;
}

export interface Inbox {
  id: string;
  unreadNotificationCount: number;
  notifications: { edges: { cursor: string; node: InboxNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** The user's own inbox, as they read it. */
export async function inboxOf(h: NotificationsHarness, user: Viewer, args: { first?: number; after?: string; unreadOnly?: boolean } = {}): Promise<Inbox> {
  const res = await h.call<{ _entities: Inbox[] }>(INBOX, { r: [{ __typename: 'User', id: user.id }], ...args }, user);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!._entities[0];
}

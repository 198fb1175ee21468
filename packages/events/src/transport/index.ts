import type { RedisConnections } from '@wavegraph/kit';
import { jetStreamTransport } from './jetstream';
import type { EventTransport } from './port';
import type { EventTransportSettings } from './settings';

export * from './port';
export * from './settings';
export { RedisStreamsRelay, RedisStreamsTransport } from './redis-streams';
export { JetStreamContext, JetStreamRelay, JetStreamTransport, jetStreamOf, subjectOf, durableOf, partitionOf, natsToken } from './jetstream';

/** The transport configuration chose; Redis Streams needs nothing beyond the owner's Redis connections. */
export async function openEventTransport(settings: EventTransportSettings, redis: RedisConnections, prefix: string): Promise<EventTransport> {
  if (settings.kind === 'redis') return { kind: 'redis', ping: async () => undefined, close: async () => undefined };
  const { context, relay, consumer } = await jetStreamTransport(settings.nats, redis, prefix);
  return { kind: 'nats', relay, consumer, ping: () => context.ping(), close: () => context.close() };
}

import { DEFAULT_JETSTREAM, eventTransportFromEnv } from './settings';

describe('eventTransportFromEnv', () => {
  it('chooses Redis Streams with the documented JetStream defaults when nothing is set', () => {
    expect(eventTransportFromEnv({})).toEqual({ kind: 'redis', nats: DEFAULT_JETSTREAM });
    expect(DEFAULT_JETSTREAM).toEqual({ servers: 'nats://127.0.0.1:4222', partitions: 16, maxAgeMs: 7 * 24 * 3600_000, replicas: 1, duplicateWindowMs: 120_000, publishTimeoutMs: 5_000 });
  });

  it('moves the events onto JetStream by configuration alone', () => {
    expect(eventTransportFromEnv({ EVENTS_TRANSPORT: 'NATS', NATS_URL: 'nats://a:4222,nats://b:4222', EVENTS_NATS_PARTITIONS: '64', EVENTS_NATS_REPLICAS: '3', EVENTS_NATS_MAX_AGE_MS: '86400000' })).toEqual({
      kind: 'nats',
      nats: { ...DEFAULT_JETSTREAM, servers: 'nats://a:4222,nats://b:4222', partitions: 64, replicas: 3, maxAgeMs: 86_400_000 },
    });
  });

  it('refuses values that make no sense, naming the variable', () => {
    expect(() => eventTransportFromEnv({ EVENTS_TRANSPORT: 'kafka' })).toThrow(/EVENTS_TRANSPORT must be redis or nats/);
    expect(() => eventTransportFromEnv({ EVENTS_NATS_PARTITIONS: '0' })).toThrow(/EVENTS_NATS_PARTITIONS must be an integer from 1 to 1024/);
    expect(() => eventTransportFromEnv({ EVENTS_NATS_REPLICAS: '7' })).toThrow(/EVENTS_NATS_REPLICAS must be an integer from 1 to 5/);
    expect(() => eventTransportFromEnv({ EVENTS_NATS_MAX_AGE_MS: 'a week' })).toThrow(/EVENTS_NATS_MAX_AGE_MS/);
  });
});

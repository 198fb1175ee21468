import { GraphQLError } from 'graphql';
import { connectRedis } from './connect';
import { isRedisUnavailable } from './unavailable';

/** The live rejections (a stopped Redis) are proved in packages/kit/src/redis-outage.spec.ts; here, what wraps them and what never counts. */
describe('isRedisUnavailable', () => {
  it('sees through a resolver error and a cause to the rejection of a connection that cannot reach Redis', async () => {
    // nothing listens on port 1: every command of a fail-fast connection is refused at once
    const redis = connectRedis('redis://127.0.0.1:1', 'failFast', { name: 'spec:unavailable', lazyConnect: true, overrides: { retryStrategy: () => null }, log: { warn: () => undefined, info: () => undefined } });
    const rejection = await redis.get('key').catch((error: unknown) => error);
    redis.disconnect();
    expect(isRedisUnavailable(rejection)).toBe(true);
    expect(isRedisUnavailable(new GraphQLError('failed', { originalError: rejection as Error }))).toBe(true);
    expect(isRedisUnavailable(new Error('could not schedule', { cause: rejection }))).toBe(true);
  });

  it('is false for a reply of Redis itself, an ordinary error, and what is not an error', () => {
    const reply = Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), { name: 'ReplyError' });
    expect(isRedisUnavailable(reply)).toBe(false);
    expect(isRedisUnavailable(new Error('Connection is fine, the bug is elsewhere'))).toBe(false);
    expect(isRedisUnavailable(new GraphQLError('Episode not found', { extensions: { code: 'NOT_FOUND' } }))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
    expect(isRedisUnavailable(undefined)).toBe(false);
  });
});

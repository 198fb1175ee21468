import { reportRedisError, resetRedisErrors } from '@wavegraph/redis';
import { createRegistry } from './registry';

describe('Redis connection errors as a metric', () => {
  afterEach(() => resetRedisErrors());

  it("shows the factory's counts per connection and code at each scrape, on every component's registry", async () => {
    const quiet = { warn: () => undefined, info: () => undefined };
    // two failures (one error object is counted once, however many emitters pass it on)
    const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    reportRedisError('catalog:relay:catalog', refused(), quiet);
    reportRedisError('catalog:relay:catalog', refused(), quiet);
    reportRedisError('gateway:commands', Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), quiet);
    const sample = async (service: string) =>
      (await createRegistry(service).getSingleMetricAsString('wavegraph_redis_errors_total')).split('\n').filter((line) => !line.startsWith('#'));
    const lines = await sample('catalog');
    expect(lines).toEqual(
      expect.arrayContaining([
        'wavegraph_redis_errors_total{connection="catalog:relay:catalog",code="ECONNREFUSED",service="catalog"} 2',
        'wavegraph_redis_errors_total{connection="gateway:commands",code="ETIMEDOUT",service="catalog"} 1',
      ]),
    );
    reportRedisError('gateway:commands', Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), quiet);
    expect(await sample('gateway')).toContain('wavegraph_redis_errors_total{connection="gateway:commands",code="ETIMEDOUT",service="gateway"} 2');
  });
});

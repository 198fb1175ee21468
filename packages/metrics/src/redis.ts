import { redisErrorCounts } from '@wavegraph/redis';
import { Counter, type Registry } from 'prom-client';

/**
 * `wavegraph_redis_errors_total{connection, code}`: errors of this process's Redis connections,
 * as the one connection factory counts them (see @wavegraph/redis), read at each scrape. Per
 * process, like Node's own metrics: every component's registry shows the same counts.
 */
export function redisErrorMetrics(registry: Registry): Counter<'connection' | 'code'> {
  const known = registry.getSingleMetric('wavegraph_redis_errors_total') as Counter<'connection' | 'code'> | undefined;
  return (
    known ??
    new Counter({
      name: 'wavegraph_redis_errors_total',
      help: "Errors of this process's Redis connections, by connection name and error code",
      labelNames: ['connection', 'code'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { connection, code, count } of redisErrorCounts()) this.inc({ connection, code }, count);
      },
    })
  );
}

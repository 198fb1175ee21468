import { EventBackbone } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { limitsFromEnv, retryFromEnv } from './ingest.config';
import { IngestQueue, type RetryOptions } from './job/job.queue';
import { IngestJobService, type ImportLimits } from './job/job.service';

export interface IngestServices {
  dataSource: DataSource;
  jobs: IngestJobService;
  queue: IngestQueue;
  events: EventBackbone;
}

export type IngestContext = Context<IngestServices>;

export interface IngestSettings {
  retry?: RetryOptions;
  limits?: ImportLimits;
}

/** The subgraph process: its API, the queue it puts runs on, and the relay of its outbox (the worker records events there). */
export function ingestServicesFactory(settings: IngestSettings = {}) {
  return async ({ db, log, redis, redisPrefix, metrics }: ServiceDeps): Promise<IngestServices> => {
    const { dataSource } = db;
    const queue = new IngestQueue(redis, redisPrefix, settings.retry ?? retryFromEnv());
    const events = await EventBackbone.start({ dataSource, metrics, redis, prefix: redisPrefix, log, produces: 'ingest' });
    return { dataSource, jobs: new IngestJobService(dataSource, queue, settings.limits ?? limitsFromEnv()), queue, events };
  };
}

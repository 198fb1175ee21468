import { canManage } from '@wavegraph/auth';
import { forbidden, notFound, requireUuid, unauthenticated, withEventLoaders, type Context } from '@wavegraph/kit';
import type { IngestContext } from '../services';
import { FINISHED, IngestJob } from './job.entity';
import { ingestProgressTopic } from './job.progress';

/**
 * `ingestProgress(jobId)`: listens first, then reads the job, so nothing published in between is
 * missed; yields the job as it is, then as it is after each change the worker announces, and ends
 * once it is COMPLETED or FAILED (at once if it already was). Refusals are thrown before anything
 * is yielded.
 */
export async function ingestProgressStream(ctx: IngestContext, rawJobId: string): Promise<AsyncIterableIterator<unknown>> {
  if (!ctx.viewer) throw unauthenticated();
  const jobId = requireUuid('jobId', rawJobId);
  const messages = await ctx.pubSub.subscribe(ingestProgressTopic(jobId));
  const read = () => ctx.services.dataSource.getRepository(IngestJob).findOneBy({ id: jobId });
  let first: IngestJob | null;
  try {
    first = await read();
    if (!first) throw notFound('IngestJob');
    if (!canManage(ctx.viewer, first.ownerId)) throw forbidden("Only the job's owner, editors and admins follow it");
  } catch (error) {
    await messages.return?.();
    throw error;
  }
  const release = async (): Promise<void> => {
    await messages.return?.();
  };
  async function* follow(start: IngestJob): AsyncGenerator<IngestJob, void, undefined> {
    try {
      yield start;
      if (FINISHED.has(start.status)) return;
      let last = `${start.status}:${start.progress}`;
      for await (const _message of messages) {
        const job = await read();
        if (!job) return;
        // several announcements may arrive for one state already read
        const state = `${job.status}:${job.progress}:${job.created}:${job.updated}`;
        if (state === last) continue;
        last = state;
        yield job;
        if (FINISHED.has(job.status)) return;
      }
    } finally {
      await release();
    }
  }
  const generator = follow(first);
  // a generator's return() waits behind a pending next(): end the pub/sub subscription first
  const events: AsyncIterableIterator<unknown> = {
    next: () => generator.next(),
    return: async () => {
      await release();
      return generator.return();
    },
    throw: async (error?: unknown) => {
      await release();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return withEventLoaders(events, ctx as Context<unknown>);
}

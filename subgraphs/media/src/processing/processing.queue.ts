import { FlowProducer, type FlowJob, type JobsOptions } from 'bullmq';
import { carriedTrace, reportRedisError, type Redis, type RedisConnections } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { FINALIZE, PROCESSING_QUEUE, processingJobId, type JobName, type ProcessingJobData } from './processing.jobs';
import { STEPS, type ProcessingStarter } from './processing.port';

export interface ProcessingQueueOptions {
  /** Tries per step before the asset is FAILED (a permanent error fails at once). */
  attempts?: number;
  /** First retry delay; it doubles with each further try. */
  backoffMs?: number;
}

/**
 * The producer side: one BullMQ flow per asset run. The flow is a chain in which each step
 * is the only child of the next, so BullMQ runs probe first and finalize last, and a step
 * that fails for good fails every step above it (`failParentOnFailure`).
 */
export class ProcessingQueue implements ProcessingStarter {
  readonly flows: FlowProducer;
  private readonly connection: Redis;

  constructor(
    redis: RedisConnections,
    private readonly prefix: string,
    // the run number lives in the media database; job ids include it
    private readonly dataSource: DataSource,
    private readonly options: ProcessingQueueOptions = {},
  ) {
    // a producer, not a blocking reader: a start that cannot reach Redis fails its caller instead of hanging
    this.connection = redis.open('command', 'processing-queue');
    this.flows = new FlowProducer({ connection: this.connection, prefix });
    // BullMQ re-emits its connection's errors: counted and rate-limited with them
    this.flows.on('error', (error) => reportRedisError('media:processing-queue', error));
  }

  async start(assetId: string): Promise<void> {
    const rows: { run: number }[] = await this.dataSource.query('SELECT run FROM media_assets WHERE id = $1', [assetId]);
    const run = rows[0]?.run;
    if (run === undefined) throw new Error(`no media asset ${assetId}`);
    await this.flows.add(this.flowOf(assetId, run));
  }

  /**
   * finalize ← storyboard ← thumbnail ← waveform ← hls ← video ← renditions ← loudness ← probe,
   * all on the processing queue; `video` and `storyboard` of a video source add their work to
   * the video queue as children when they run (see processing.handoff.ts).
   */
  private flowOf(assetId: string, run: number): FlowJob {
    const data: ProcessingJobData = { assetId, run, trace: carriedTrace() };
    const node = (name: JobName, child?: FlowJob): FlowJob => ({
      name,
      queueName: PROCESSING_QUEUE,
      prefix: this.prefix,
      data,
      opts: this.jobOptions(assetId, run, name),
      ...(child ? { children: [child] } : {}),
    });
    let chain: FlowJob | undefined;
    for (const step of STEPS) chain = node(step, chain);
    return node(FINALIZE, chain);
  }

  private jobOptions(assetId: string, run: number, name: JobName): JobsOptions {
    return {
      jobId: processingJobId(assetId, run, name),
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 10_000 },
      failParentOnFailure: true,
      // kept a while so operators can inspect a run; the database holds the lasting state
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    // the connection is closed by its owner, after this
    await this.flows.close();
  }
}

import { FlowProducer, type FlowJob, type JobsOptions } from 'bullmq';
import { carriedTrace, reportRedisError, type Redis, type RedisConnections } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { chaptersJobId, EMBED_CHAPTERS, FINALIZE, PROCESSING_QUEUE, lateTranscribeJobId, processingJobId, type JobName, type ProcessingJobData } from './processing.jobs';
import { STEPS, type ChaptersEmbedder, type ProcessingStarter } from './processing.port';

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
export class ProcessingQueue implements ProcessingStarter, ChaptersEmbedder {
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

  /** A single job (no flow around it) for the asset's run and the change of chapter marks it has to make. */
  async embedChapters(assetId: string): Promise<void> {
    const rows: { run: number; revision: number | null; carried: number | null }[] = await this.dataSource.query(
      `SELECT a.run, c.revision, (a.outputs->>'chaptersRevision')::int AS carried
         FROM media_assets a LEFT JOIN episode_chapters c ON c.episode_id = a.episode_id WHERE a.id = $1`,
      [assetId],
    );
    const [row] = rows;
    if (!row) throw new Error(`no media asset ${assetId}`);
    const data: ProcessingJobData = { assetId, run: row.run, trace: carriedTrace() };
    const opts = { ...this.jobOptions(assetId, row.run, EMBED_CHAPTERS), jobId: chaptersJobId(assetId, row.run, row.revision ?? 0, row.carried ?? 0), failParentOnFailure: false };
    await this.flows.add({ name: EMBED_CHAPTERS, queueName: PROCESSING_QUEUE, prefix: this.prefix, data, opts });
  }

  /**
   * One `transcribe` job outside any flow, for an asset that stays READY: no finalize follows,
   * and its failure can only ever fail the transcript (see the step).
   */
  async transcribe(assetId: string): Promise<void> {
    const rows: { run: number; pending_since: Date | null }[] = await this.dataSource.query(
      `SELECT a.run, t.updated_at AS pending_since FROM media_assets a LEFT JOIN media_transcripts t ON t.asset_id = a.id AND t.status = 'PENDING' WHERE a.id = $1`,
      [assetId],
    );
    const row = rows[0];
    if (!row) throw new Error(`no media asset ${assetId}`);
    const data: ProcessingJobData = { assetId, run: row.run, trace: carriedTrace() };
    const opts = { ...this.jobOptions(assetId, row.run, 'transcribe'), jobId: lateTranscribeJobId(assetId, row.run, row.pending_since ?? new Date()) };
    await this.flows.add({ name: 'transcribe', queueName: PROCESSING_QUEUE, prefix: this.prefix, data, opts });
  }

  /**
   * finalize ← transcribe ← storyboard ← thumbnail ← waveform ← hls ← video ← renditions ←
   * loudness ← probe ← synthesize, all on the processing queue; `video` and `storyboard` of a
   * video source add their work to the video queue as children when they run (see
   * processing.handoff.ts).
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

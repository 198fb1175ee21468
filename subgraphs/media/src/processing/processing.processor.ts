// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('media-processor');
import 'reflect-metadata';
import { connectRedis, createLogger, defaultDatabaseUrl, envString, openDatabase, redisUrl, reportRedisError, setRedisErrorLog } from '@wavegraph/kit';
import { Job, Queue, type SandboxedJob } from 'bullmq';
import { tmpdir } from 'node:os';
import { mediaConfigFromEnv, retiredGraceSecondsOf } from '../media.config';
import { Retirement } from '../storage/retired';
import { createStorage } from '../storage/storage.factory';
import { killAllTools } from './ffmpeg';
import { PROCESSING_QUEUE, VIDEO_QUEUE, type ProcessingJobData, type ProcessingJobResult } from './processing.jobs';
import { runProcessingJob, type ProcessingDeps, type ProcessingJob } from './processing.runner';
import { sweepWorkDirs } from './work-dir';

/*
 * The sandboxed processor: BullMQ forks a child process that loads this file (compiled JS)
 * and calls its default export per job. The child inherits the worker's environment, so the
 * database URL and storage settings come from there — never from job data, which Redis keeps.
 */

interface ProcessorDeps extends ProcessingDeps {
  /** The two queues' command handles, for writing a job's progress from here. */
  queues: Record<string, Queue>;
}

let deps: Promise<ProcessorDeps> | undefined;

async function open(): Promise<ProcessorDeps> {
  const log = createLogger('media-processor');
  setRedisErrorLog(log);
  // the subgraph owns the migrations; a processor only reads and writes rows
  const { dataSource } = await openDatabase({ url: defaultDatabaseUrl('media'), entities: [], migrations: [], logger: log, poolSize: 2 });
  // progress is best effort: a command gives up after one retry, the connection reconnects by itself
  const redis = connectRedis(redisUrl(), 'command', { name: `media-processor:${process.pid}` });
  const workRoot = process.env.MEDIA_WORK_DIR || tmpdir();
  await sweepWorkDirs(workRoot);
  const prefix = envString('REDIS_PREFIX', 'wavegraph');
  const videoJobs = new Queue(VIDEO_QUEUE, { connection: redis, prefix });
  const processingJobs = new Queue(PROCESSING_QUEUE, { connection: redis, prefix });
  const config = mediaConfigFromEnv();
  const storage = createStorage(config);
  videoJobs.on('error', (error) => reportRedisError('media-processor:video-jobs', error, log));
  processingJobs.on('error', (error) => reportRedisError('media-processor:processing-jobs', error, log));
  return {
    dataSource,
    storage,
    retirement: new Retirement(dataSource, storage, retiredGraceSecondsOf(config)),
    redis,
    prefix,
    log,
    workRoot,
    // where the flow's video steps hand their work; adding a job only needs a command connection
    videoJobs,
    queues: { [PROCESSING_QUEUE]: processingJobs, [VIDEO_QUEUE]: videoJobs },
  };
}

/**
 * The job with its progress and its wait for a child written from this process. A sandboxed
 * job's own updateProgress and moveToWaitingChildren ask the worker to do it, and when that
 * fails (Redis lost the job; the child failed before the wait) the worker fails the job on that
 * answer while this process is still in it, leaves the call here unanswered, and hands this
 * busy process to the next job, which fails at once ("cannot start a not idling child process").
 * Done here, a failure is this job's own: a lost dashboard update, which the reporter shrugs
 * off, or an error the runner records.
 */
function onOwnConnection(job: SandboxedJob<ProcessingJobData>, queues: Record<string, Queue>): ProcessingJob {
  const queue = job.queueName ? queues[job.queueName] : undefined;
  return {
    ...job,
    updateProgress: async (progress: number) => {
      if (queue && job.id) await queue.updateJobProgress(job.id, progress);
    },
    moveToWaitingChildren: async (token?: string) => {
      const own = queue && job.id ? await Job.fromId(queue, job.id) : undefined;
      if (!own) throw new Error(`job ${job.id ?? '?'} is no longer in Redis`);
      return own.moveToWaitingChildren(token ?? '');
    },
  };
}

// The worker died without stopping us (SIGKILL, crash): the IPC channel closes. Stop ffmpeg
// too, so nothing keeps burning CPU for a job another worker is about to pick up again.
process.on('disconnect', () => {
  killAllTools();
  process.exit(1);
});

export default async function processMediaJob(job: SandboxedJob<ProcessingJobData>, token?: string, signal?: AbortSignal): Promise<ProcessingJobResult> {
  deps ??= open().catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  const opened = await deps;
  return runProcessingJob(opened, onOwnConnection(job, opened.queues), signal, token);
}

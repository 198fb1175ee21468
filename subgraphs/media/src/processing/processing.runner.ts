import { runWithTrace, type Logger } from '@wavegraph/kit';
import { inSpan } from '@wavegraph/telemetry';
import { UnrecoverableError, WaitingChildrenError, type JobsOptions, type Queue } from 'bullmq';
import type Redis from 'ioredis';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { MediaStorage } from '../storage/storage.port';
import type { Retirement } from '../storage/retired';
import { removeUnreferenced } from './cleanup';
import { chapterSetOf } from '../chapter/chapter.store';
import { scriptOf } from '../tts/script.store';
import { episodeLanguage } from '../transcript/transcript.store';
import { embedChapters } from './chapters.job';
import { handOff, handsOff } from './processing.handoff';
import { EMBED_CHAPTERS, FINALIZE, type JobName, type ProcessingJobData, type ProcessingJobResult } from './processing.jobs';
import { failAsset, failedMessage, finalizeAsset, publicReason } from './processing.outcome';
import { STEPS, type StepName } from './processing.port';
import { completeStep, isCurrentRun, loadAsset, loadSteps, markRetrying, markRunning, saveProgress } from './processing.store';
import { ProgressReporter, publishProgress } from './progress';
import { STEP_DEFINITIONS } from './steps';
import type { StepOutput } from './steps/step';
import { makeWorkDir } from './work-dir';

/** What a processor needs; the sandboxed child opens its own (see processing.processor.ts). */
export interface ProcessingDeps {
  dataSource: DataSource;
  storage: MediaStorage;
  redis: Redis;
  prefix: string;
  log: Logger;
  /** Temp dirs of attempts go below this (MEDIA_WORK_DIR, default the OS temp dir). */
  workRoot: string;
  /** Where replaced objects go until signed URLs for them have expired. */
  retirement: Retirement;
  /** The video queue, where the flow's video steps hand their work (see processing.handoff.ts). */
  videoJobs?: Pick<Queue, 'add' | 'getJob'>;
}

/** The parts of a BullMQ job the runner reads; a sandboxed job and a Job both fit. */
export interface ProcessingJob {
  id?: string;
  name: string;
  data: ProcessingJobData;
  attemptsMade: number;
  opts: JobsOptions;
  /** Which queue the job is on (a video step runs on the video queue, hands off on the other). */
  queueName?: string;
  queueQualifiedName?: string;
  updateProgress(progress: number): Promise<void>;
  moveToWaitingChildren?(token?: string): Promise<boolean>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** One job of a processing flow, as a span in the trace of the request that started the run. */
export function runProcessingJob(deps: ProcessingDeps, job: ProcessingJob, signal?: AbortSignal, token?: string): Promise<ProcessingJobResult> {
  const attributes = { 'media.asset_id': job.data.assetId, 'media.run': job.data.run, 'media.step': job.name, 'media.attempt': job.attemptsMade + 1, 'media.queue': job.queueName ?? '' };
  return runWithTrace(job.data.trace ?? {}, () => inSpan(`media ${job.name}`, { kind: 'consumer', parent: job.data.trace, attributes }, () => runJob(deps, job, signal, token)));
}

async function runJob(deps: ProcessingDeps, job: ProcessingJob, signal?: AbortSignal, token?: string): Promise<ProcessingJobResult> {
  const { assetId, run } = job.data;
  const name = job.name;
  // not a step of the flow: a failure leaves the asset as it is (BullMQ retries it, the old marks stay)
  if (name === EMBED_CHAPTERS) return embedChapters(deps, job, signal);
  if (name !== FINALIZE && !(STEPS as readonly string[]).includes(name)) throw new UnrecoverableError(`unknown processing job ${name}`);
  try {
    if (name === FINALIZE) return await finalize(deps, assetId, run);
    const handedOff = handsOff(job) ? await handOff(deps, job, name as StepName, token) : null;
    return handedOff ?? (await runStep(deps, job, name as StepName, signal));
  } catch (error) {
    // waiting for the video queue's child job: not a failure
    if (error instanceof WaitingChildrenError) throw error;
    // the last attempt records the failure before BullMQ sees it, so the asset is never left PROCESSING
    const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const reason = messageOf(error);
    deps.log.warn({ jobId: job.id, attempt: job.attemptsMade + 1, final, err: error }, 'processing step failed');
    if (final) {
      if (await failAsset(deps.dataSource, assetId, run, name, reason)) {
        await publishProgress(deps.redis, deps.prefix, failedMessage(assetId, name as JobName, reason)).catch(() => undefined);
      }
    } else if (name !== FINALIZE) {
      await markRetrying(deps.dataSource, assetId, name as StepName, publicReason(`attempt ${job.attemptsMade + 1} failed, will retry: ${reason}`));
      await publishProgress(deps.redis, deps.prefix, { assetId, step: name as JobName, progress: 0, status: 'PENDING' }).catch(() => undefined);
    }
    throw error;
  }
}

async function finalize(deps: ProcessingDeps, assetId: string, run: number): Promise<ProcessingJobResult> {
  const result = await finalizeAsset(deps.dataSource, assetId, run);
  if (result === 'ready') {
    await publishProgress(deps.redis, deps.prefix, { assetId, step: FINALIZE, progress: 100, status: 'DONE' }).catch(() => undefined);
    // garbage only: what is left is never pointed at, so a failure here can wait for the next run
    await removeUnreferenced(deps, assetId).catch((error: unknown) => deps.log.warn({ err: error, assetId }, 'cleanup of old runs failed'));
  }
  return { name: FINALIZE, ...(result === 'ready' ? {} : { skipped: result === 'stale-run' ? 'stale-run' : 'done-before' }) };
}

/** Skip what is done; otherwise work in a temp dir, commit the objects, then make them visible. */
async function runStep(deps: ProcessingDeps, job: ProcessingJob, step: StepName, signal?: AbortSignal): Promise<ProcessingJobResult> {
  const { dataSource, storage } = deps;
  const { assetId, run } = job.data;
  const definition = STEP_DEFINITIONS[step];
  const asset = await loadAsset(dataSource, assetId);
  if (!isCurrentRun(asset, run)) return { name: step, skipped: 'stale-run' };
  const row = (await loadSteps(dataSource, assetId)).find((s) => s.step === step);
  if ((row?.status === 'DONE' || row?.status === 'SKIPPED') && (await definition.outputsExist(asset, storage))) return { name: step, skipped: 'done-before' };

  await markRunning(dataSource, assetId, step);
  const reporter = new ProgressReporter(assetId, step, {
    save: (progress) => saveProgress(dataSource, assetId, step, progress),
    job: (progress) => job.updateProgress(progress),
    publish: (message) => publishProgress(deps.redis, deps.prefix, message),
  });
  await reporter.start();
  const workDir = await makeWorkDir(deps.workRoot, `${assetId}-${step}`);
  const fetched = new Map<string, Promise<string>>();
  const started = Date.now();
  try {
    const output = await definition.run({
      asset,
      storage,
      workDir,
      signal,
      progress: (fraction) => reporter.update(fraction),
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      reads: {
        chapters: () => chapterSetOf(dataSource, asset.episode_id),
        script: () => scriptOf(dataSource, asset.id),
        language: () => episodeLanguage(dataSource, asset.episode_id),
      },
      retire: (prefixes) => deps.retirement.retire(prefixes),
      fetch: (key) => {
        if (!fetched.has(key)) fetched.set(key, mkdtemp(path.join(workDir, 'in-')).then((dir) => storage.download(key, dir)));
        return fetched.get(key) as Promise<string>;
      },
    });
    await commitFiles(storage, output);
    if (!(await completeStep(dataSource, assetId, run, step, output))) return { name: step, skipped: 'stale-run' };
    await output.afterCommit?.().catch((error: unknown) => deps.log.warn({ err: error, assetId, step }, 'tidying after a step failed'));
    await reporter.finish(output.skipped ? 'SKIPPED' : 'DONE');
    deps.log.info({ assetId, run, step, ms: Date.now() - started }, 'processing step done');
    return { name: step, ...(output.skipped ? { skipped: 'not-applicable' as const } : {}) };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Each object all-or-nothing under its final key; a retry overwrites the same keys. */
async function commitFiles(storage: MediaStorage, output: StepOutput): Promise<void> {
  for (const file of output.files) await storage.putFile(file.key, file.path, file.contentType);
}

import { UnrecoverableError, WaitingChildrenError, type JobsOptions, type Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { MediaStorage } from '../storage/storage.port';
import { VIDEO_QUEUE, VIDEO_STEPS, type ProcessingJobData, type ProcessingJobResult } from './processing.jobs';
import type { StepName } from './processing.port';
import { isCurrentRun, loadAsset, loadSteps } from './processing.store';
import { STEP_DEFINITIONS } from './steps';

/** What a flow's job needs to hand its work to the video queue (a sandboxed job has all of it). */
export interface HandOffJob {
  id?: string;
  name: string;
  data: ProcessingJobData;
  queueName?: string;
  queueQualifiedName?: string;
  opts: JobsOptions;
  moveToWaitingChildren?(token?: string): Promise<boolean>;
}

export interface HandOffDeps {
  dataSource: DataSource;
  storage: MediaStorage;
  /** The video queue, to add the child job to (and read it back); without it the work runs where the job is. */
  videoJobs?: Pick<Queue, 'add' | 'getJob'>;
}

/** A job of a video step on the processing queue; on the video queue the step itself runs. */
export const handsOff = (job: Pick<HandOffJob, 'name' | 'queueName'>): boolean =>
  (VIDEO_STEPS as readonly string[]).includes(job.name) && job.queueName !== VIDEO_QUEUE;

async function isDone(deps: HandOffDeps, assetId: string, step: StepName): Promise<boolean> {
  const asset = await loadAsset(deps.dataSource, assetId);
  const row = (await loadSteps(deps.dataSource, assetId)).find((s) => s.step === step);
  return Boolean(asset && (row?.status === 'DONE' || row?.status === 'SKIPPED') && (await STEP_DEFINITIONS[step].outputsExist(asset, deps.storage)));
}

/**
 * The flow's job of a video step, on the processing queue: for a video source it adds the same
 * job (same id and name, so adding it again is a no-op) as its child on the video queue and
 * waits for it without holding a processing slot; BullMQ runs it again once the child has
 * completed, and it finds the step done. A child that fails for good fails it too
 * (`failParentOnFailure`), and the flow above it. Returns null when the step is to run right
 * here: an audio-only source (SKIPPED at once, never queued behind a video), or no video queue.
 */
export async function handOff(deps: HandOffDeps, job: HandOffJob, step: StepName, token?: string): Promise<ProcessingJobResult | null> {
  const { assetId, run } = job.data;
  const asset = await loadAsset(deps.dataSource, assetId);
  if (!isCurrentRun(asset, run)) return { name: step, skipped: 'stale-run' };
  if (!asset.has_video) return null;
  if (await isDone(deps, assetId, step)) return { name: step, skipped: 'done-before' };
  if (!deps.videoJobs || !job.id || !job.queueQualifiedName || !job.moveToWaitingChildren || !token) return null;
  const { attempts, backoff, removeOnComplete, removeOnFail } = job.opts;
  await deps.videoJobs.add(step, job.data, {
    jobId: job.id,
    attempts,
    backoff,
    removeOnComplete,
    removeOnFail,
    parent: { id: job.id, queue: job.queueQualifiedName },
    failParentOnFailure: true,
  });
  if (await waitForChild(deps, job, token)) throw new WaitingChildrenError();
  // the child had completed already (a repeated hand-off): what it did is in the database
  if (await isDone(deps, assetId, step)) return { name: step, skipped: 'done-before' };
  return null;
}

/**
 * Whether the job now waits for its child. A child that failed for good before its parent began
 * waiting (it failed at once, the parent was slow) makes BullMQ refuse the wait with a message of
 * its own; the step fails with the child's reason instead, as it would have had the parent waited.
 */
export async function waitForChild(deps: HandOffDeps, job: HandOffJob, token: string): Promise<boolean> {
  try {
    return await job.moveToWaitingChildren!(token);
  } catch (error) {
    if (!/has at least one failed child/.test((error as Error | null)?.message ?? '')) throw error;
    const child = await deps.videoJobs?.getJob(job.id!);
    throw new UnrecoverableError(child?.failedReason || (error as Error).message);
  }
}

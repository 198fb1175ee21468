import type { TraceContext } from '@wavegraph/kit';
import type { StepName } from './processing.port';

/** The queue of every flow's jobs; the job's name says which step it is. */
export const PROCESSING_QUEUE = 'media-processing';
/**
 * The heavy work of video sources (the H.264 ladder, the storyboard) runs on a queue of its
 * own with its own concurrency, so a long video never holds the slots audio episodes need.
 * A flow's job of such a step, on the processing queue, hands the work to a child job on this
 * queue (same job id, same name) and waits for it; for audio-only sources it is SKIPPED there.
 */
export const VIDEO_QUEUE = 'media-video';
export const VIDEO_STEPS: readonly StepName[] = ['video', 'storyboard'];
export const QUEUES = [PROCESSING_QUEUE, VIDEO_QUEUE] as const;

/** The top of each flow: runs once every step below it has completed. */
export const FINALIZE = 'finalize';
/** Outside the flows: re-muxes an asset's renditions with its episode's current chapter marks. */
export const EMBED_CHAPTERS = 'chapters';
export type JobName = StepName | typeof FINALIZE | typeof EMBED_CHAPTERS;

/** Job data carries ids only: the processor reads the asset from the database, secrets from its environment. */
export interface ProcessingJobData {
  assetId: string;
  /** The asset's `run` the flow was started for; a job of an older run does nothing. */
  run: number;
  /** The request that started the run (its id and W3C traceparent): every step's span and log line continue it. */
  trace?: TraceContext;
}

/**
 * Same asset, run and step → same job id, so starting a run twice adds nothing. BullMQ's
 * Lua scripts read a job id as the part of a key after its last ':', so ids use '.' instead.
 */
export const processingJobId = (assetId: string, run: number, name: JobName): string => `${assetId}.${run}.${name}`;

/**
 * One chapters job per asset run and change of marks: from the revision the renditions carry to
 * the episode's current one. A later edit, or renditions made meanwhile with an older revision,
 * is another change and gets a job of its own; the same change queued twice is one job.
 */
export const chaptersJobId = (assetId: string, run: number, revision: number, carried: number): string =>
  `${assetId}.${run}.${EMBED_CHAPTERS}-${revision}-from-${carried}`;
export const isChaptersJob = (name: string): boolean => name === EMBED_CHAPTERS || name.startsWith(`${EMBED_CHAPTERS}-`);

export function parseProcessingJobId(jobId: string): { assetId: string; run: number; name: string } | null {
  const [assetId, run, name, ...rest] = jobId.split('.');
  if (!assetId || !name || rest.length > 0 || !/^\d+$/.test(run ?? '')) return null;
  return { assetId, run: Number(run), name };
}

/** What every job returns; `skipped` says why nothing had to be done. */
export interface ProcessingJobResult {
  name: JobName;
  skipped?: 'done-before' | 'stale-run' | 'not-applicable';
}

/**
 * A lone `transcribe` job of a READY asset (a new language): named by when its transcript was
 * marked PENDING, so the API and reconciliation adding it at the same moment add one job, and
 * a later change of language is a new job.
 */
export const lateTranscribeJobId = (assetId: string, run: number, pendingSince: Date): string => `${processingJobId(assetId, run, 'transcribe')}-${pendingSince.getTime()}`;

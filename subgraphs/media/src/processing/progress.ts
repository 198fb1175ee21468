import { pubSubChannel, type SubgraphPubSub } from '@wavegraph/kit';
import type Redis from 'ioredis';
import { FINALIZE, type JobName } from './processing.jobs';
import type { StepStatus } from './processing.store';

/**
 * What the `mediaProcessing` subscription relays, on the asset's topic of the subgraph's
 * pub/sub. The worker is another process, so it publishes on the Redis channel directly; the
 * API process publishes through its pub/sub. Every message that ends a run is sent after the
 * asset row says so: `finalize` DONE (READY), a FAILED step (FAILED) or a deletion (DELETED).
 */
export type ProcessingMessage = ProgressMessage | DeletedMessage;

/** A step's progress or new status; 'upload', 'recording' and 'queue' fail before any job ran. */
export interface ProgressMessage {
  assetId: string;
  step: JobName | 'upload' | 'recording' | 'queue';
  progress: number;
  status: StepStatus;
  /** Why the step failed, as creators read it; only on the FAILED message that ends the run. */
  reason?: string;
}

/** The asset was deleted, or its upload abandoned: nothing more will happen to it. */
export interface DeletedMessage {
  assetId: string;
  deleted: true;
}

export const mediaProcessingTopic = (assetId: string): string => `MEDIA_PROCESSING:${assetId}`;
export const progressChannel = (prefix: string, assetId: string): string => pubSubChannel(prefix, mediaProcessingTopic(assetId));

/** The last message about an asset: it is READY, FAILED or DELETED. */
export const isFinal = (message: ProcessingMessage): boolean =>
  'deleted' in message || (message.step === FINALIZE && message.status === 'DONE') || message.status === 'FAILED';

/** From the worker, which has no pub/sub of its own: the same channel and JSON. */
export async function publishProgress(redis: Redis, prefix: string, message: ProcessingMessage): Promise<void> {
  await redis.publish(progressChannel(prefix, message.assetId), JSON.stringify(message));
}

/** From the API process, once the change is committed; best effort, like every live update. */
export function announce(pubSub: Pick<SubgraphPubSub, 'publish'>, message: ProcessingMessage): Promise<void> {
  return pubSub.publish(mediaProcessingTopic(message.assetId), message);
}

export interface ProgressSinks {
  /** Persists the value (media_steps.progress) so a query sees it. */
  save(progress: number): Promise<void>;
  /** BullMQ's job progress, for operators' dashboards. */
  job(progress: number): Promise<void>;
  publish(message: ProgressMessage): Promise<void>;
}

/**
 * Turns ffmpeg's frequent position reports into few updates: a value goes out when it moved
 * by `minStep` percent or `minIntervalMs` passed, never backwards, one at a time. Progress is
 * informative, so a failed update is dropped rather than failing the step.
 */
export class ProgressReporter {
  private sent = 0;
  // start() announced 0 just now; the interval counts from there
  private sentAt = Date.now();
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly assetId: string,
    private readonly step: JobName,
    private readonly sinks: ProgressSinks,
    private readonly minIntervalMs = 500,
    private readonly minStep = 5,
  ) {}

  /** `fraction` 0..1 of the step's work; 100 is left for the step's commit. */
  update(fraction: number): void {
    const progress = Math.max(0, Math.min(99, Math.floor(fraction * 100)));
    const now = Date.now();
    if (progress <= this.sent) return;
    if (progress - this.sent < this.minStep && now - this.sentAt < this.minIntervalMs) return;
    this.sent = progress;
    this.sentAt = now;
    this.inFlight = this.inFlight.then(() => this.send(progress, 'RUNNING'));
  }

  /** Waits for queued updates, then announces the step's new status. */
  async finish(status: StepStatus, progress = status === 'DONE' || status === 'SKIPPED' ? 100 : this.sent): Promise<void> {
    await this.inFlight;
    await this.sinks.publish({ assetId: this.assetId, step: this.step, progress, status }).catch(() => undefined);
  }

  async start(): Promise<void> {
    await this.sinks.publish({ assetId: this.assetId, step: this.step, progress: 0, status: 'RUNNING' }).catch(() => undefined);
  }

  private async send(progress: number, status: StepStatus): Promise<void> {
    await Promise.all([
      this.sinks.save(progress).catch(() => undefined),
      this.sinks.job(progress).catch(() => undefined),
      this.sinks.publish({ assetId: this.assetId, step: this.step, progress, status }).catch(() => undefined),
    ]);
  }
}

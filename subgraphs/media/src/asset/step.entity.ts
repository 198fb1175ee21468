import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { STEPS } from '../processing/processing.port';
import { MediaStepStatus } from './asset.enums';

/** One step of an asset's processing flow, as the worker last reported it. */
@Entity('media_steps')
@ObjectType('MediaStep')
export class MediaStepRow {
  @PrimaryColumn('uuid', { name: 'asset_id' })
  assetId: string;

  @PrimaryColumn('text', { name: 'step' })
  @Field({ description: 'One of the flow\'s steps: synthesize, probe, loudness, renditions, video, hls, waveform, thumbnail, storyboard, transcribe' })
  name: string;

  @Column('text')
  @Field(() => MediaStepStatus)
  status: MediaStepStatus;

  @Column('int')
  @Field(() => Int, { description: '0 to 100' })
  progress: number;

  @Column('int')
  @Field(() => Int, { description: 'Times the step was started, retries included' })
  attempts: number;

  @Column('text', { nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the step failed or was skipped' })
  reason: string | null;
}

/** Steps in flow order (the table has no order of its own). */
export const inFlowOrder = (steps: MediaStepRow[]): MediaStepRow[] =>
  [...steps].sort((a, b) => STEPS.indexOf(a.name as (typeof STEPS)[number]) - STEPS.indexOf(b.name as (typeof STEPS)[number]));

/** Overall progress: finished and skipped steps count whole, the others by what they reported. */
export function overallProgress(status: string, steps: readonly MediaStepRow[]): number {
  if (status === 'READY') return 100;
  if (!steps.length) return 0;
  const done = steps.reduce((sum, step) => sum + (step.status === 'DONE' || step.status === 'SKIPPED' ? 100 : step.progress), 0);
  return Math.floor(done / steps.length);
}

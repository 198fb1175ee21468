import { Field, Int, ObjectType } from 'type-graphql';
import { MediaAsset } from '../asset/asset.entity';
import { MediaStatus, MediaStepStatus } from '../asset/asset.enums';

@ObjectType({ description: "A change in an asset's processing: the first one is the state when subscribing" })
export class MediaProcessingEvent {
  @Field(() => MediaAsset, { description: 'As it is now (status, overall progress, steps, and once READY its renditions and HLS)' })
  asset: MediaAsset;

  @Field(() => MediaStatus, { description: "The asset's status as of this event" })
  status: MediaStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "The step that changed (synthesize, probe, loudness, renditions, video, hls, waveform, thumbnail, storyboard, transcribe, finalize; chapters when chapter marks are re-muxed; upload, recording or queue when the asset failed before processing); in the first event null, or the failed step of a FAILED asset",
  })
  step: string | null;

  @Field(() => MediaStepStatus, { nullable: true })
  stepStatus: MediaStepStatus | null;

  @Field(() => String, { nullable: true, description: 'Why the step failed (FAILED events only)' })
  reason: string | null;

  @Field(() => Int, { description: "The step's progress 0–100 (the asset's overall progress in the first event and when deleted)" })
  progress: number;

  @Field({ description: 'READY, FAILED or DELETED: the last event, after which the subscription completes' })
  done: boolean;
}

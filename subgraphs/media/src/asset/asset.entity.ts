import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../common/sql';
import { MediaStatus } from './asset.enums';
import type { AssetOutputs } from './asset.outputs';

/**
 * One media file of an episode and everything processing derived from it. URLs, steps,
 * loudness and the episode are resolved by AssetResolver; only what needs no policy is a plain field.
 */
@Entity('media_assets')
@ObjectType('MediaAsset', { description: 'Visible to everyone once READY; before that (or when FAILED/DELETED) only to its owner, editors and admins' })
@Directive('@key(fields: "id")')
export class MediaAsset {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'episode_id' })
  episodeId: string;

  /** The episode's owner when the upload was created. */
  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text')
  @Field(() => MediaStatus)
  status: MediaStatus;

  @Column('text', { name: 'source_key', nullable: true })
  sourceKey: string | null;

  @Column('text', { name: 'source_sha256', nullable: true })
  sourceSha256: string | null;

  @Column('bigint', { name: 'source_size', nullable: true, transformer: bigintAsNumber })
  sourceSize: number | null;

  @Column('text', { name: 'mime_type' })
  @Field({ description: 'MIME type of the uploaded source' })
  mimeType: string;

  @Column('double precision', { name: 'duration_seconds', nullable: true })
  @Field(() => Float, { nullable: true })
  durationSeconds: number | null;

  @Column('text', { nullable: true })
  @Field(() => String, { nullable: true, description: 'Codec of the source audio (or video) stream, from probing' })
  codec: string | null;

  @Column('int', { nullable: true })
  @Field(() => Int, { nullable: true })
  channels: number | null;

  @Column('int', { name: 'sample_rate', nullable: true })
  @Field(() => Int, { nullable: true })
  sampleRate: number | null;

  @Column('boolean', { name: 'has_video', nullable: true })
  @Field(() => Boolean, { nullable: true })
  hasVideo: boolean | null;

  @Column('int', { nullable: true })
  @Field(() => Int, { nullable: true, description: 'Width of a video source as displayed (pixels), from probing' })
  width: number | null;

  @Column('int', { nullable: true })
  @Field(() => Int, { nullable: true, description: 'Height of a video source as displayed (pixels), from probing' })
  height: number | null;

  @Column('double precision', { name: 'frame_rate', nullable: true })
  @Field(() => Float, { nullable: true, description: 'Frames per second of a video source, from probing' })
  frameRate: number | null;

  @Column('double precision', { name: 'input_lufs', nullable: true })
  inputLufs: number | null;

  @Column('double precision', { name: 'integrated_lufs', nullable: true })
  integratedLufs: number | null;

  @Column('double precision', { name: 'true_peak_dbtp', nullable: true })
  truePeakDbtp: number | null;

  @Column('jsonb')
  outputs: AssetOutputs;

  @Column('text', { name: 'failed_step', nullable: true })
  @Field(() => String, { nullable: true, description: "The step that gave up ('upload' when the file itself was rejected)" })
  failedStep: string | null;

  @Column('text', { name: 'failure_reason', nullable: true })
  @Field(() => String, { nullable: true })
  failureReason: string | null;

  /** Bumped by every retry, so a job of an earlier run can tell it is stale. */
  @Column('int')
  run: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  @Field()
  updatedAt: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  readyAt: Date | null;
}

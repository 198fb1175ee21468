import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../common/sql';

export enum RecordingStatus {
  RECORDING = 'RECORDING',
  FINISHING = 'FINISHING',
  FINISHED = 'FINISHED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(RecordingStatus, {
  name: 'RecordingStatus',
  description:
    'RECORDING while chunks are accepted; FINISHING while the chunks are stitched; FINISHED once the recording is the asset\'s source (processing follows); FAILED when the chunks did not form a playable recording; EXPIRED when abandoned',
});

/** A recording made in the browser, sent as numbered chunks; finished, it becomes its asset's source. */
@Entity('recording_sessions')
@ObjectType('RecordingSession', { description: 'Visible to the owner of its episode, editors and admins' })
export class RecordingSession {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'asset_id' })
  assetId: string;

  @Column('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  /** Who started it: the user whose upload quota it counts against. */
  @Column('uuid', { name: 'uploader_id' })
  uploaderId: string;

  /** The uploader's plan when it started; null for staff, who have no caps. */
  @Column('text', { name: 'uploader_plan', nullable: true })
  uploaderPlan: string | null;

  @Column('text', { name: 'mime_type' })
  @Field({ description: "The recorder's MIME type (MediaRecorder.mimeType), e.g. audio/webm;codecs=opus" })
  mimeType: string;

  @Column('text')
  @Field(() => RecordingStatus)
  status: RecordingStatus;

  @Column('integer', { name: 'chunks_received' })
  @Field(() => Int, { description: 'Distinct sequence numbers stored' })
  chunksReceived: number;

  @Column('bigint', { name: 'bytes_received', transformer: bigintAsNumber })
  @Field(() => Float)
  bytesReceived: number;

  @Column('integer', { name: 'highest_sequence', nullable: true })
  @Field(() => Int, { nullable: true, description: 'The highest sequence number stored (null before the first chunk)' })
  highestSequence: number | null;

  @Column('integer', { name: 'last_sequence', nullable: true })
  @Field(() => Int, { nullable: true, description: 'The last sequence number, as finishRecordingSession was told' })
  lastSequence: number | null;

  @Column('text', { name: 'failure_reason', nullable: true })
  @Field(() => String, { nullable: true })
  failureReason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  @Field({ description: 'A session that receives no chunk until then is abandoned; every stored chunk moves it on' })
  expiresAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;
}

/** One stored chunk; its bytes live in storage under chunkKey(session, sequence). */
@Entity('recording_chunks')
export class RecordingChunk {
  @PrimaryColumn('uuid', { name: 'session_id' })
  sessionId: string;

  @PrimaryColumn('integer')
  sequence: number;

  @Column('integer', { name: 'size_bytes' })
  sizeBytes: number;

  @Column('text')
  sha256: string;

  @Column({ name: 'stored_at', type: 'timestamptz', precision: 3 })
  storedAt: Date;
}

/** Sequence numbers start at 0; this bound keeps `missing` lists finite (a chunk a second: over a day). */
export const MAX_SEQUENCE = 99_999;

export const recordingPrefix = (sessionId: string): string => `recordings/${sessionId}/`;
export const chunkKey = (sessionId: string, sequence: number): string => `${recordingPrefix(sessionId)}chunks/${String(sequence).padStart(6, '0')}`;

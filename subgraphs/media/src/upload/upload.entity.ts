import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../common/sql';

export enum UploadStatus {
  PENDING = 'PENDING',
  COMPLETED = 'COMPLETED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(UploadStatus, {
  name: 'UploadStatus',
  description: 'PENDING while bytes may arrive; COMPLETED once whole and verified; REJECTED when size or sha-256 did not match; EXPIRED when abandoned',
});

/** A resumable (tus) upload of one file for one asset; its id is the tus upload id. */
@Entity('uploads')
@ObjectType('Upload', { description: 'Visible to the owner of its episode, editors and admins' })
@Directive('@key(fields: "id")')
export class MediaUpload {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'asset_id' })
  assetId: string;

  @Column('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  /** Who called createUpload (the owner, or staff for them): the user whose quota it counts against. */
  @Column('uuid', { name: 'uploader_id' })
  uploaderId: string;

  @Column('text')
  @Field()
  filename: string;

  @Column('text', { name: 'mime_type' })
  @Field()
  mimeType: string;

  @Column('bigint', { name: 'size_bytes', transformer: bigintAsNumber })
  @Field(() => Float, { description: 'Declared size; the upload must be exactly this long' })
  sizeBytes: number;

  @Column('text', { name: 'expected_sha256', nullable: true })
  @Field(() => String, { nullable: true, description: 'The sha-256 the client declared, if any' })
  expectedSha256: string | null;

  @Column('text')
  @Field(() => UploadStatus)
  status: UploadStatus;

  @Column('text', { nullable: true })
  @Field(() => String, { nullable: true, description: 'sha-256 of what arrived, once complete' })
  sha256: string | null;

  @Column('text', { name: 'rejection_reason', nullable: true })
  @Field(() => String, { nullable: true })
  rejectionReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  @Field({ description: 'An upload not completed by then is abandoned' })
  expiresAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  completedAt: Date | null;
}

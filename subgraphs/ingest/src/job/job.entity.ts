import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Item errors kept per job. */
export const MAX_ITEM_ERRORS = 1000;

export enum IngestStatus {
  QUEUED = 'QUEUED',
  FETCHING = 'FETCHING',
  IMPORTING = 'IMPORTING',
  DOWNLOADING = 'DOWNLOADING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
registerEnumType(IngestStatus, { name: 'IngestStatus', description: 'QUEUED → FETCHING → IMPORTING → DOWNLOADING (enclosures) → COMPLETED, or FAILED' });

export const FINISHED = new Set([IngestStatus.COMPLETED, IngestStatus.FAILED]);

@ObjectType('IngestItemError', { description: 'An item of the feed that was skipped or failed, and why' })
export class IngestItemError {
  @Field({ description: "The item's guid, or its title when it has none" })
  item: string;

  @Field()
  reason: string;

  @Field({ description: 'true: left out on purpose (no enclosure, duplicate guid); false: importing it failed' })
  skipped: boolean;
}

@ObjectType('IngestItemWarning', { description: "Something of an imported episode that did not come along (its transcript or chapters file); the episode itself is imported" })
export class IngestItemWarning {
  @Field({ description: "The item's guid" })
  item: string;

  @Field()
  reason: string;
}

@ObjectType('IngestCounts')
export class IngestCounts {
  @Field(() => Int, { description: 'Items in the feed' })
  found: number;

  @Field(() => Int, { description: 'Episodes created in catalog' })
  created: number;

  @Field(() => Int, { description: 'Episodes whose item changed since the last poll' })
  updated: number;

  @Field(() => Int, { description: 'Items left out (unchanged items of a re-poll are not counted)' })
  skipped: number;

  @Field(() => Int)
  failed: number;
}

/** One run of an import: the first import of a feed, or one of its polls. */
@Entity('ingest_jobs')
@ObjectType('IngestJob', { description: "Visible to its owner, editors and admins" })
@Directive('@key(fields: "id")')
export class IngestJob {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'source_id' })
  @Field(() => ID, { description: 'The feed source (removeFeedSource stops its polls)' })
  sourceId: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text', { name: 'feed_url' })
  @Field({ description: 'The URL fetched (after a permanent redirect, the new one)' })
  feedUrl: string;

  @Column('text')
  @Field(() => IngestStatus)
  status: IngestStatus;

  @Column('uuid', { name: 'show_id', nullable: true })
  showId: string | null;

  @Column('integer') found: number;
  @Column('integer') created: number;
  @Column('integer') updated: number;
  @Column('integer') skipped: number;
  @Column('integer') failed: number;

  @Column('double precision')
  @Field(() => Float, { description: '0..1' })
  progress: number;

  @Column('text', { nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the job FAILED, or why nothing was imported (not modified since the last poll)' })
  reason: string | null;

  @Column('integer', { name: 'http_status', nullable: true })
  httpStatus: number | null;

  /** Served by the resolver's `errors(first)`. */
  @Column('jsonb', { name: 'item_errors' })
  errors: IngestItemError[];

  /** Served by the resolver's `warnings(first)`. */
  @Column('jsonb', { name: 'item_warnings', default: () => "'[]'" })
  warnings: IngestItemWarning[];

  @Column({ type: 'timestamptz', name: 'created_at', precision: 3, default: () => 'now()' })
  @Field()
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'started_at', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;
}

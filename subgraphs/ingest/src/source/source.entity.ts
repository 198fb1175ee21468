import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A feed an owner imports, polled until stopped. The owner's role and plan are kept as they were
 * when the import was asked for: the worker acts for the owner towards catalog and media with them.
 */
@Entity('feed_sources')
export class FeedSource {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text', { name: 'owner_role' })
  ownerRole: string;

  @Column('text', { name: 'owner_plan' })
  ownerPlan: string;

  /** Where the feed is fetched; a permanent redirect moves it. */
  @Column('text', { name: 'feed_url' })
  feedUrl: string;

  @Column('uuid', { name: 'show_id', nullable: true })
  showId: string | null;

  /** Of the show fields last sent to catalog: unchanged ones are not sent again. */
  @Column('text', { name: 'show_hash', nullable: true })
  showHash: string | null;

  @Column('text', { nullable: true })
  etag: string | null;

  @Column('text', { name: 'last_modified', nullable: true })
  lastModified: string | null;

  /** Null: imported once, not polled. */
  @Column('integer', { name: 'poll_interval_minutes', nullable: true })
  pollIntervalMinutes: number | null;

  @Column('boolean')
  polling: boolean;

  @Column({ type: 'timestamptz', name: 'next_poll_at', precision: 3, nullable: true })
  nextPollAt: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

export interface ExtrasWarnings {
  transcript?: string;
  chapters?: string;
}

/** What ingest remembers of an item it imported: the dedupe key (per source) and what catalog got. */
@Entity('ingest_items')
export class IngestItem {
  @Column('uuid', { name: 'source_id', primary: true })
  sourceId: string;

  @Column('text', { primary: true })
  guid: string;

  @Column('uuid', { name: 'episode_id' })
  episodeId: string;

  /** Of the fields sent to catalog: a different one on a later poll means the item was edited. */
  @Column('text', { name: 'content_hash' })
  contentHash: string;

  @Column('text', { name: 'enclosure_url', nullable: true })
  enclosureUrl: string | null;

  /** Published in catalog (a failed publish is tried again on the next run). */
  @Column('boolean', { default: false })
  published: boolean;

  /** The enclosure is in media (uploaded; media processes it from there). */
  @Column('boolean', { name: 'media_handed_off', default: false })
  mediaHandedOff: boolean;

  /** The IngestJob waiting for this enclosure's download (DOWNLOADING until every one of them ended). */
  @Column('uuid', { name: 'media_job_id', nullable: true })
  mediaJobId: string | null;

  /** Why the download or hand-off failed for good (tried again on the next poll). */
  @Column('text', { name: 'media_error', nullable: true })
  mediaError: string | null;

  @Column({ type: 'timestamptz', name: 'pub_date', precision: 3, nullable: true })
  pubDate: Date | null;

  /** The item's podcast:transcript as the last poll read it (type VTT, SRT or JSON). */
  @Column('text', { name: 'transcript_url', nullable: true })
  transcriptUrl: string | null;

  @Column('text', { name: 'transcript_type', nullable: true })
  transcriptType: string | null;

  @Column('text', { name: 'transcript_language', nullable: true })
  transcriptLanguage: string | null;

  /** `type url` of the transcript media has; with the hash of what was sent (a file moved, not changed, is not sent again). */
  @Column('text', { name: 'transcript_sent', nullable: true })
  transcriptSent: string | null;

  @Column('text', { name: 'transcript_hash', nullable: true })
  transcriptHash: string | null;

  /** The item's podcast:chapters as the last poll read it. */
  @Column('text', { name: 'chapters_url', nullable: true })
  chaptersUrl: string | null;

  @Column('text', { name: 'chapters_sent', nullable: true })
  chaptersSent: string | null;

  /** Of the chapters list sent to media. */
  @Column('text', { name: 'chapters_hash', nullable: true })
  chaptersHash: string | null;

  /** The IngestJob waiting for this item's transcript and chapters (DOWNLOADING until they ended). */
  @Column('uuid', { name: 'extras_job_id', nullable: true })
  extrasJobId: string | null;

  @Column('boolean', { name: 'extras_ended', default: true })
  extrasEnded: boolean;

  /** Why a transcript or chapters file was not handed over this time (tried again on the next poll). */
  @Column('jsonb', { name: 'extras_warnings', default: () => "'{}'" })
  extrasWarnings: ExtrasWarnings;

  @Column({ type: 'timestamptz', name: 'updated_at', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

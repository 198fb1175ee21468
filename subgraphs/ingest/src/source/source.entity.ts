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

  @Column({ type: 'timestamptz', name: 'updated_at', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

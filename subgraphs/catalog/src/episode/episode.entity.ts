import { MAX_PEOPLE } from '@wavegraph/events';
import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Person } from '../person/person.types';

export enum EpisodeStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(EpisodeStatus, { name: 'EpisodeStatus' });

/** itunes:episodeType */
export enum EpisodeType {
  FULL = 'FULL',
  TRAILER = 'TRAILER',
  BONUS = 'BONUS',
}
registerEnumType(EpisodeType, { name: 'EpisodeType', description: 'itunes:episodeType' });

/** Who may play an episode (its media URLs, transcript and feed enclosure); everyone may see it listed. */
export enum EpisodeAccess {
  PUBLIC = 'PUBLIC',
  PREMIUM = 'PREMIUM',
}
registerEnumType(EpisodeAccess, {
  name: 'EpisodeAccess',
  description: "Who may play an episode: PUBLIC everyone; PREMIUM only PREMIUM listeners (in a private feed too), the show's owner and staff",
});

/** An episode of a show; only PUBLISHED episodes are visible to people who cannot manage the show. */
@Entity('episodes')
@ObjectType('Episode')
@Directive('@key(fields: "id")')
@Directive(publicFor(60))
export class Episode {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'show_id' })
  showId: string;

  @Column('text')
  @Field()
  title: string;

  @Column('text')
  @Field()
  description: string;

  @Column('int', { name: 'season_number', nullable: true })
  @Field(() => Int, { nullable: true })
  seasonNumber: number | null;

  @Column('int', { name: 'episode_number', nullable: true })
  @Field(() => Int, { nullable: true })
  episodeNumber: number | null;

  @Column('text')
  @Field(() => EpisodeStatus)
  status: EpisodeStatus;

  @Column({ type: 'timestamptz', name: 'published_at', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'scheduled_at', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  scheduledAt: Date | null;

  @Column('text', { name: 'episode_type', default: EpisodeType.FULL })
  @Field(() => EpisodeType)
  episodeType: EpisodeType;

  @Column('boolean', { nullable: true })
  @Field(() => Boolean, { nullable: true, description: "itunes:explicit; null: as the show's" })
  explicit: boolean | null;

  @Column('text', { default: EpisodeAccess.PUBLIC })
  @Field(() => EpisodeAccess)
  access: EpisodeAccess;

  /** The feed's guid when it is not the id (an imported episode keeps its original); GraphQL `guid` via EpisodeResolver. */
  @Column('text', { nullable: true })
  guid: string | null;

  @Column('jsonb', { default: () => "'[]'" })
  @Field(() => [Person])
  @Directive(`@listSize(assumedSize: ${MAX_PEOPLE})`)
  people: Person[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  @Field()
  updatedAt: Date;
}

/** The guid a feed gives the episode: its own, else its id. */
export const episodeGuid = (episode: Pick<Episode, 'id' | 'guid'>): string => episode.guid ?? episode.id;

/** Where an episode sits in "newest first" lists: when it was published, else when it was created. */
export const episodeSortTime = (episode: Episode): Date => episode.publishedAt ?? episode.createdAt;
/** The same sort key in SQL, for a table alias. */
export const episodeSortSql = (alias: string): string => `COALESCE(${alias}.published_at, ${alias}.created_at)`;

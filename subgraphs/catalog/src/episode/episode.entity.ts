import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum EpisodeStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(EpisodeStatus, { name: 'EpisodeStatus' });

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  @Field()
  updatedAt: Date;
}

/** Where an episode sits in "newest first" lists: when it was published, else when it was created. */
export const episodeSortTime = (episode: Episode): Date => episode.publishedAt ?? episode.createdAt;
/** The same sort key in SQL, for a table alias. */
export const episodeSortSql = (alias: string): string => `COALESCE(${alias}.published_at, ${alias}.created_at)`;
